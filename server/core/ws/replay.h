#pragma once

#include "store/notificationstore.h"
#include "store/storeservice.h"

#include <QList>

namespace Herald {

// A resume replay in pages: the notifications after `since` up to the
// user's seq at the welcome, fetched from the store one page at a time. The
// worker sends a page only while the session's queue is below its low-water
// mark and fetches the next once it is sent, so a client that does not read
// holds one page in memory, not its whole history.
class Replay
{
public:
    Replay(qint64 since, qint64 target, int pageSize);

    qint64 target() const { return m_target; }
    bool hasFrame() const { return !m_page.isEmpty(); }
    // True when the whole gap has been handed out.
    bool finished() const { return m_page.isEmpty() && m_next > m_target; }
    // True when the page is used up, more is owed and no fetch is running.
    bool wantsPage() const { return m_page.isEmpty() && !m_fetching && m_next <= m_target; }

    // The next page's query; marks a fetch as running.
    StoreService::HistoryQuery nextPage();
    // Takes the store's answer (newest first). False when it does not carry
    // on from the last page: the history was trimmed meanwhile.
    bool accept(QList<StoredNotification> page);
    StoredNotification takeFrame() { return m_page.takeFirst(); }

private:
    qint64 m_next; // first seq not fetched yet
    qint64 m_target;
    int m_pageSize;
    bool m_fetching = false;
    QList<StoredNotification> m_page; // oldest first
};

} // namespace Herald
