#include "ws/replay.h"

#include <algorithm>

namespace Herald {

Replay::Replay(qint64 since, qint64 target, int pageSize)
    : m_next(since + 1), m_target(target), m_pageSize(std::max(1, pageSize))
{ }

StoreService::HistoryQuery Replay::nextPage()
{
    m_fetching = true;
    const qint64 last = std::min(m_target, m_next + m_pageSize - 1);
    return {last + 1, m_next - 1, int(last - m_next + 1)};
}

bool Replay::accept(QList<StoredNotification> page)
{
    m_fetching = false;
    std::reverse(page.begin(), page.end());
    for (qsizetype i = 0; i < page.size(); ++i) {
        if (page.at(i).seq != m_next + i)
            return false;
    }
    if (page.isEmpty())
        return false;
    m_next += page.size();
    m_page = std::move(page);
    return true;
}

} // namespace Herald
