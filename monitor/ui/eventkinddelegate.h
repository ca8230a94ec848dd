#pragma once

#include <QStyledItemDelegate>

namespace Herald {

// Colours the event log's rows by kind (connects green, disconnects grey,
// pushes blue, problems red): the model stays free of GUI types.
class EventKindDelegate : public QStyledItemDelegate
{
    Q_OBJECT

public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem *option, const QModelIndex &index) const override;
};

} // namespace Herald
