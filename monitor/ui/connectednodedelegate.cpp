#include "connectednodedelegate.h"

#include "nodestatsmodel.h"

namespace Herald {

void ConnectedNodeDelegate::initStyleOption(QStyleOptionViewItem *option,
                                            const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.data(NodeStatsModel::ConnectedRole).toBool())
        option->font.setBold(true);
}

} // namespace Herald
