#include "sessionmodel.h"

#include "logging.h"

#include <algorithm>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

// What a batch of events leaves behind per session id (the record, or nullopt
// when it ends closed), with the ids in the order they first appear.
struct NetEffect
{
    QHash<QString, std::optional<SessionRecord>> last;
    QStringList order;
};

NetEffect netEffect(const QList<AdminEvent> &events)
{
    NetEffect effect;
    for (const AdminEvent &event : events) {
        const bool opened = event.kind == AdminEvent::Kind::SessionOpened;
        if (!opened && event.kind != AdminEvent::Kind::SessionClosed)
            continue;
        if (!effect.last.contains(event.session.id))
            effect.order.append(event.session.id);
        effect.last.insert(event.session.id, opened ? std::optional(event.session) : std::nullopt);
    }
    return effect;
}

} // namespace

SessionModel::SessionModel(QObject *parent) : QAbstractTableModel(parent)
{ }

int SessionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SessionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SessionModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const SessionRecord &session = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(session, index.column());
    case Qt::ToolTipRole:
        if (index.column() == ConnectedColumn)
            return session.connectedAt.toString(Qt::ISODate);
        return display(session, index.column());
    case SessionIdRole:
        return session.id;
    case UserIdRole:
        return session.user;
    case SortRole:
        if (index.column() == ConnectedColumn)
            return session.connectedAt;
        return display(session, index.column());
    }
    return {};
}

QVariant SessionModel::display(const SessionRecord &session, int column) const
{
    switch (column) {
    case UserColumn:
        return session.user;
    case SessionColumn:
        return session.id;
    case AddressColumn:
        return session.remoteAddress;
    case UserAgentColumn:
        return session.userAgent;
    case ConnectedColumn:
        return session.connectedAt.toLocalTime().toString(u"yyyy-MM-dd hh:mm:ss"_s);
    }
    return {};
}

QVariant SessionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles{tr("User"), tr("Session"), tr("Address"), tr("User agent"),
                                    tr("Connected since")};
    return titles.value(section);
}

QHash<int, QByteArray> SessionModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SessionIdRole, "sessionId");
    names.insert(UserIdRole, "userId");
    return names;
}

void SessionModel::replaceAll(const QList<SessionRecord> &sessions)
{
    beginResetModel();
    m_rows.clear();
    m_sessionsPerUser.clear();
    m_index.clear();
    for (const SessionRecord &session : sessions) {
        if (m_index.contains(session.id))
            continue; // the snapshot repeated a session: keep one row
        m_index.insert(session.id, m_rows.size());
        m_rows.append(session);
        countUser(session.user, 1);
    }
    endResetModel();
    Q_EMIT countsChanged(sessionCount(), userCount());
}

void SessionModel::applyEvents(const QList<AdminEvent> &events)
{
    const NetEffect effect = netEffect(events);
    if (effect.order.isEmpty())
        return;
    QList<int> removals;
    QList<SessionRecord> additions;
    for (const QString &id : effect.order) {
        const std::optional<SessionRecord> &session = effect.last[id];
        const int row = rowOf(id);
        if (!session && row >= 0)
            removals.append(row);
        else if (session && row >= 0)
            updateSession(row, *session);
        else if (session)
            additions.append(*session);
    }
    removeSessionRows(removals);
    insertSessions(additions);
    Q_EMIT countsChanged(sessionCount(), userCount());
}

void SessionModel::updateSession(int row, const SessionRecord &session)
{
    if (m_rows.at(row) == session)
        return; // the usual case: a session seen in the snapshot and in an event
    countUser(m_rows.at(row).user, -1);
    countUser(session.user, 1);
    m_rows[row] = session;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void SessionModel::removeSessionRows(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end(), std::greater<int>());
    int ranges = 1;
    for (qsizetype i = 1; i < rows.size(); ++i)
        ranges += rows[i] != rows[i - 1] - 1;
    // Views handle a few range removals cheaply; thousands of scattered ones
    // (a reconnect storm) are cheaper as one reset, at the cost of the selection.
    const bool reset = ranges > MaxRemovalRanges;
    if (reset)
        beginResetModel();
    for (qsizetype first = 0; first < rows.size();) {
        qsizetype last = first; // rows[first] is the highest row of this range
        while (last + 1 < rows.size() && rows[last + 1] == rows[last] - 1)
            ++last;
        const int low = rows[last];
        const int high = rows[first];
        if (!reset)
            beginRemoveRows({}, low, high);
        for (int row = low; row <= high; ++row)
            countUser(m_rows.at(row).user, -1);
        m_rows.remove(low, high - low + 1);
        if (!reset)
            endRemoveRows();
        first = last + 1;
    }
    rebuildIndex(); // rows after each removed range moved up
    if (reset)
        endResetModel();
    qCDebug(lcMonitorModel) << "removed" << rows.size() << "sessions in" << ranges << "ranges";
}

void SessionModel::insertSessions(const QList<SessionRecord> &sessions)
{
    if (sessions.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(sessions.size()) - 1);
    for (const SessionRecord &session : sessions) {
        m_index.insert(session.id, m_rows.size());
        m_rows.append(session);
        countUser(session.user, 1);
    }
    endInsertRows();
}

void SessionModel::rebuildIndex()
{
    m_index.clear();
    m_index.reserve(m_rows.size());
    for (qsizetype row = 0; row < m_rows.size(); ++row)
        m_index.insert(m_rows.at(row).id, row);
}

void SessionModel::countUser(const QString &user, int delta)
{
    int &count = m_sessionsPerUser[user];
    count += delta;
    if (count <= 0)
        m_sessionsPerUser.remove(user);
}

} // namespace Herald
