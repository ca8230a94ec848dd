#pragma once

#include <QStyledItemDelegate>

namespace Herald {

// Draws the row of the node this console is connected to (NodeStatsModel's
// ConnectedRole) in bold: the model stays free of GUI types.
class ConnectedNodeDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace Herald
