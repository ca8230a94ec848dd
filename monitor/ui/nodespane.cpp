#include "nodespane.h"

#include "nodestatsmodel.h"

#include <QHeaderView>
#include <QLocale>
#include <QScrollBar>
#include <QVBoxLayout>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

NodesPane::NodesPane(NodeStatsModel &model, QWidget *parent) : QWidget(parent)
{
    m_view.setModel(&model);
    m_view.setItemDelegate(&m_delegate);
    m_view.setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view.setSelectionMode(QAbstractItemView::SingleSelection);
    m_view.setAlternatingRowColors(true);
    m_view.setWordWrap(false);
    m_view.verticalHeader()->hide();
    m_view.verticalHeader()->setDefaultSectionSize(m_view.fontMetrics().height() + 8);
    // The figures keep a steady width (wide enough for large values) so the
    // columns do not jump as they change every second.
    m_view.horizontalHeader()->setStretchLastSection(false);
    const QLocale locale;
    const QString bytes = locale.formattedDataSize(999'990'000);
    const QStringList widest{locale.toString(88888),
                             locale.toString(88888),
                             locale.toString(8888.8, 'f', 1),
                             locale.toString(8888.8, 'f', 1),
                             bytes + u"/s"_s,
                             bytes,
                             u"88h 88m"_s};
    QFont bold = m_view.font(); // the connected node's row
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    for (int column = NodeStatsModel::SessionsColumn; column < NodeStatsModel::ColumnCount;
         ++column) {
        const QString title = model.headerData(column, Qt::Horizontal).toString();
        const int text = std::max(metrics.horizontalAdvance(title),
                                  metrics.horizontalAdvance(widest.at(column - 1)));
        m_view.setColumnWidth(column, text + 12);
    }
    m_view.setColumnWidth(NodeStatsModel::NodeColumn,
                          metrics.horizontalAdvance(u"000.000.00.00:00000"_s) + 12);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(&m_view);
}

// Wide enough for every column, so the dock opens without a scroll bar.
QSize NodesPane::sizeHint() const
{
    const int columns = m_view.horizontalHeader()->length();
    const int chrome = 2 * m_view.frameWidth() + m_view.verticalScrollBar()->sizeHint().width();
    return {columns + chrome, QWidget::sizeHint().height()};
}

} // namespace Herald
