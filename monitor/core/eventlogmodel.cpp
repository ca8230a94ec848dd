#include "eventlogmodel.h"

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

EventLogModel::EventLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent), m_capacity(std::max(1, capacity))
{ }

int EventLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_entries.size());
}

int EventLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant EventLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const EventLogEntry &entry = m_entries.at(index.row());
    switch (role) {
    case Qt::DisplayRole:
        return display(entry, index.column());
    case Qt::ToolTipRole:
    case ExportRole:
        if (index.column() == TimeColumn)
            return entry.time.toString(Qt::ISODateWithMs);
        return display(entry, index.column());
    case KindRole:
        return int(entry.kind);
    case UsersRole:
        return entry.users;
    }
    return {};
}

QVariant EventLogModel::display(const EventLogEntry &entry, int column) const
{
    switch (column) {
    case TimeColumn:
        return entry.time.toLocalTime().toString(u"hh:mm:ss.zzz"_s);
    case KindColumn:
        return EventLogEntry::kindName(entry.kind);
    case UserColumn:
        return entry.usersText();
    case SessionColumn:
        return entry.sessionId;
    case DetailsColumn:
        return entry.details;
    }
    return {};
}

QVariant EventLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles{tr("Time"), tr("Event"), tr("User"), tr("Session"),
                                    tr("Details")};
    return titles.value(section);
}

void EventLogModel::append(const QList<EventLogEntry> &entries)
{
    if (entries.isEmpty())
        return;
    if (!m_paused) {
        insert(entries);
        return;
    }
    m_held.append(entries);
    if (m_held.size() > m_capacity)
        m_held.remove(0, m_held.size() - m_capacity); // the oldest would scroll out anyway
    Q_EMIT heldCountChanged(heldCount());
}

// Appends in one range; the oldest rows make room first, in one range too.
void EventLogModel::insert(QList<EventLogEntry> entries)
{
    if (entries.size() > m_capacity)
        entries.remove(0, entries.size() - m_capacity);
    const qsizetype overflow = m_entries.size() + entries.size() - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_entries.remove(0, overflow);
        endRemoveRows();
    }
    const int first = int(m_entries.size());
    beginInsertRows({}, first, first + int(entries.size()) - 1);
    m_entries.append(entries);
    endInsertRows();
}

void EventLogModel::clear()
{
    beginResetModel();
    m_entries.clear();
    endResetModel();
    if (!std::exchange(m_held, {}).isEmpty())
        Q_EMIT heldCountChanged(0);
}

void EventLogModel::setPaused(bool paused)
{
    if (m_paused == paused)
        return;
    m_paused = paused;
    if (!paused && !m_held.isEmpty()) {
        insert(std::exchange(m_held, {}));
        Q_EMIT heldCountChanged(0);
    }
    Q_EMIT pausedChanged(paused);
}

} // namespace Herald
