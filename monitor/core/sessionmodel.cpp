#include "sessionmodel.h"

#include "logging.h"
#include "sessionformat.h"

#include <algorithm>
#include <optional>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

// What a batch of events leaves behind per session id (the record, or nullopt
// when it ends closed), with the ids in the order they first appear.
struct NetEffect
{
    QHash<QString, std::optional<AdminSessionRecord>> last;
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
    const AdminSessionRecord &session = m_rows.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(session, index.column());
    case Qt::ToolTipRole:
        return toolTip(session, index.column());
    case Qt::TextAlignmentRole:
        if (index.column() == FramesSentColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case SessionIdRole:
        return session.id;
    case UserIdRole:
        return session.user;
    case SortRole:
        return sortKey(session, index.column());
    }
    return {};
}

QVariant SessionModel::display(const AdminSessionRecord &session, int column) const
{
    const AdminSessionCounters &counters = session.counters;
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
    case LastPongColumn:
        // An age, computed when asked: the pane repaints so that ages move.
        return SessionFormat::lastPong(counters, QDateTime::currentDateTimeUtc());
    case FramesSentColumn:
        return counters.framesSent ? QVariant(*counters.framesSent) : QVariant();
    case NodeColumn:
        return session.node;
    }
    return {};
}

QVariant SessionModel::toolTip(const AdminSessionRecord &session, int column) const
{
    const AdminSessionCounters &counters = session.counters;
    switch (column) {
    case ConnectedColumn:
        return session.connectedAt.toString(Qt::ISODate);
    case LastPongColumn:
        return SessionFormat::lastPongToolTip(counters, QDateTime::currentDateTimeUtc());
    case FramesSentColumn:
        return SessionFormat::framesSentToolTip(counters);
    }
    return display(session, column);
}

// Unknown sorts below "none yet", which sorts below any real value.
QVariant SessionModel::sortKey(const AdminSessionRecord &session, int column) const
{
    const AdminSessionCounters &counters = session.counters;
    switch (column) {
    case ConnectedColumn:
        return session.connectedAt;
    case LastPongColumn:
        if (!counters.lastPongAt)
            return qint64(-2);
        return counters.lastPongAt->isValid() ? counters.lastPongAt->toMSecsSinceEpoch()
                                              : qint64(-1);
    case FramesSentColumn:
        return counters.framesSent.value_or(-1);
    }
    return display(session, column);
}

QVariant SessionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles{
        tr("User"),      tr("Session"),     tr("Address"), tr("User agent"), tr("Connected since"),
        tr("Last pong"), tr("Frames sent"), tr("Node")};
    return titles.value(section);
}

QHash<int, QByteArray> SessionModel::roleNames() const
{
    QHash<int, QByteArray> names = QAbstractTableModel::roleNames();
    names.insert(SessionIdRole, "sessionId");
    names.insert(UserIdRole, "userId");
    return names;
}

void SessionModel::replaceAll(const QList<AdminSessionRecord> &sessions)
{
    beginResetModel();
    m_rows.clear();
    m_sessionsPerUser.clear();
    m_index.clear();
    for (const AdminSessionRecord &session : sessions) {
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
    QList<AdminSessionRecord> additions;
    for (const QString &id : effect.order) {
        const std::optional<AdminSessionRecord> &session = effect.last[id];
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

void SessionModel::updateSession(int row, AdminSessionRecord session)
{
    // An event can be older than the counters already shown: keep the newer.
    session.counters = m_rows.at(row).counters.newest(session.counters);
    if (m_rows.at(row) == session)
        return; // the usual case: a session seen in the snapshot and in an event
    countUser(m_rows.at(row).user, -1);
    countUser(session.user, 1);
    m_rows[row] = session;
    Q_EMIT dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void SessionModel::applyCounters(const QHash<QString, AdminSessionCounters> &counters)
{
    QList<int> changed;
    for (auto it = counters.cbegin(); it != counters.cend(); ++it) {
        const qsizetype row = m_index.value(it.key(), -1);
        if (row < 0)
            continue; // closed meanwhile, or never listed: counters add no rows
        AdminSessionCounters &current = m_rows[row].counters;
        const AdminSessionCounters newest = current.newest(*it);
        if (newest == current)
            continue;
        current = newest;
        changed.append(int(row));
    }
    announceChangedCounters(std::move(changed));
}

// One dataChanged per contiguous range of rows, over the two counter columns;
// rows scattered into more ranges than that go out as one spanning range (a
// superset is allowed, and a sorting proxy then re-sorts once).
void SessionModel::announceChangedCounters(QList<int> rows)
{
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    QList<std::pair<int, int>> ranges{{rows.first(), rows.first()}};
    for (qsizetype i = 1; i < rows.size(); ++i) {
        if (rows[i] == ranges.last().second + 1)
            ranges.last().second = rows[i];
        else
            ranges.append({rows[i], rows[i]});
    }
    if (ranges.size() > MaxChangedRanges)
        ranges = {{rows.first(), rows.last()}};
    static const QList<int> roles{Qt::DisplayRole, Qt::ToolTipRole, SortRole};
    for (const auto &[first, last] : std::as_const(ranges))
        Q_EMIT dataChanged(index(first, LastPongColumn), index(last, FramesSentColumn), roles);
    qCDebug(lcMonitorModel) << "counters changed for" << rows.size() << "sessions in"
                            << ranges.size() << "ranges";
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

void SessionModel::insertSessions(const QList<AdminSessionRecord> &sessions)
{
    if (sessions.isEmpty())
        return;
    const int first = int(m_rows.size());
    beginInsertRows({}, first, first + int(sessions.size()) - 1);
    for (const AdminSessionRecord &session : sessions) {
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
