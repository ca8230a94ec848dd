#include "eventkinddelegate.h"

#include "eventlogentry.h"
#include "eventlogmodel.h"

namespace Herald {

namespace {

QColor colorFor(EventLogEntry::Kind kind)
{
    switch (kind) {
    case EventLogEntry::Kind::Connect:
        return QColor(0x2e, 0x7d, 0x32);
    case EventLogEntry::Kind::Disconnect:
        return QColor(0x75, 0x75, 0x75);
    case EventLogEntry::Kind::Push:
    case EventLogEntry::Kind::Broadcast:
        return QColor(0x15, 0x65, 0xc0);
    case EventLogEntry::Kind::Overflow:
        return QColor(0xc6, 0x28, 0x28);
    case EventLogEntry::Kind::Notice:
        break;
    }
    return QColor(0x6a, 0x1b, 0x9a);
}

} // namespace

void EventKindDelegate::initStyleOption(QStyleOptionViewItem *option,
                                        const QModelIndex &index) const
{
    QStyledItemDelegate::initStyleOption(option, index);
    if (index.column() != EventLogModel::KindColumn)
        return;
    const auto kind = EventLogEntry::Kind(index.data(EventLogModel::KindRole).toInt());
    option->palette.setColor(QPalette::Text, colorFor(kind));
    option->font.setBold(true);
}

} // namespace Herald
