#pragma once

#include "admin/adminevent.h"
#include "admin/adminsessionrecord.h"

#include <QAbstractTableModel>
#include <QHash>
#include <QList>

namespace Herald {

// The live sessions of one server. A snapshot replaces every row; events are
// applied as upserts and removals, a whole batch at a time: removals as
// contiguous row ranges, new sessions as one appended range. A batch that would
// shatter into very many ranges resets the model instead (cheaper for views).
// Counter updates never add or remove rows: they change the two counter
// columns of known sessions, told as a few dataChanged ranges per batch.
class SessionModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        UserColumn,
        SessionColumn,
        AddressColumn,
        UserAgentColumn,
        ConnectedColumn,
        LastPongColumn,
        FramesSentColumn,
        NodeColumn, // the cluster node holding the session; empty from a single node
        ColumnCount
    };
    enum Role {
        SessionIdRole = Qt::UserRole + 1,
        UserIdRole,
        // connected_at as a QDateTime; last pong in ms since the epoch (-1: none
        // yet, -2: unknown); frames sent as a number (-1: unknown); else the text
        SortRole,
    };
    static constexpr int MaxRemovalRanges = 64;
    static constexpr int MaxChangedRanges = 64;

    explicit SessionModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;
    QHash<int, QByteArray> roleNames() const override;

    void replaceAll(const QList<AdminSessionRecord> &sessions);
    void applyEvents(const QList<AdminEvent> &events);
    // Ids without a row are ignored; counters never go back (AdminSessionCounters::newest).
    void applyCounters(const QHash<QString, AdminSessionCounters> &counters);
    void clear() { replaceAll({}); }

    int sessionCount() const { return int(m_rows.size()); }
    int userCount() const { return int(m_sessionsPerUser.size()); }
    const AdminSessionRecord &sessionAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &sessionId) const { return int(m_index.value(sessionId, -1)); }

Q_SIGNALS:
    void countsChanged(int sessions, int users);

private:
    void updateSession(int row, AdminSessionRecord session);
    void announceChangedCounters(QList<int> rows);
    void removeSessionRows(QList<int> rows);
    void insertSessions(const QList<AdminSessionRecord> &sessions);
    void rebuildIndex();
    void countUser(const QString &user, int delta);
    QVariant display(const AdminSessionRecord &session, int column) const;
    QVariant toolTip(const AdminSessionRecord &session, int column) const;
    QVariant sortKey(const AdminSessionRecord &session, int column) const;

    QList<AdminSessionRecord> m_rows;
    QHash<QString, qsizetype> m_index; // session id -> row
    QHash<QString, int> m_sessionsPerUser;
};

} // namespace Herald
