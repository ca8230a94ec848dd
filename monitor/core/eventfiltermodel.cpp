#include "eventfiltermodel.h"

#include "eventlogmodel.h"

namespace Herald {

EventFilterModel::EventFilterModel(QObject *parent) : QSortFilterProxyModel(parent)
{ }

void EventFilterModel::setUserFilter(const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed == m_userFilter)
        return;
    m_userFilter = trimmed;
    invalidateRowsFilter();
}

bool EventFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (m_userFilter.isEmpty())
        return true;
    const QModelIndex index = sourceModel()->index(sourceRow, 0, sourceParent);
    const QStringList users = index.data(EventLogModel::UsersRole).toStringList();
    return std::any_of(users.cbegin(), users.cend(), [this](const QString &user) {
        return user.contains(m_userFilter, Qt::CaseInsensitive);
    });
}

} // namespace Herald
