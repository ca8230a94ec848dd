#include "nodespane.h"

#include "nodestatsmodel.h"

#include <QHeaderView>
#include <QVBoxLayout>

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
    // The node name takes what is left; the figures keep a steady width so the
    // columns do not jump as they change every second.
    m_view.horizontalHeader()->setSectionResizeMode(NodeStatsModel::NodeColumn,
                                                    QHeaderView::Stretch);
    m_view.horizontalHeader()->setStretchLastSection(false);
    for (int column = NodeStatsModel::SessionsColumn; column < NodeStatsModel::ColumnCount;
         ++column)
        m_view.setColumnWidth(column, 80);
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(&m_view);
}

} // namespace Herald
