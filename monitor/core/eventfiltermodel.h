#pragma once

#include <QSortFilterProxyModel>

namespace Herald {

// Keeps the event-log rows that concern a user whose id contains the filter
// text (case-insensitive). Broadcasts and console notices name no user, so a
// non-empty filter hides them.
class EventFilterModel : public QSortFilterProxyModel
{
    Q_OBJECT

public:
    explicit EventFilterModel(QObject *parent = nullptr);

    QString userFilter() const { return m_userFilter; }
    void setUserFilter(const QString &text);

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    QString m_userFilter;
};

} // namespace Herald
