#include "sessionspane.h"

#include "sessionactions.h"
#include "sessionmodel.h"

#include <QHeaderView>
#include <QMenu>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

SessionsPane::SessionsPane(SessionModel &model, SessionActions &actions, QWidget *parent)
    : QWidget(parent), m_model(model), m_actions(actions)
{
    m_proxy.setSourceModel(&model);
    m_proxy.setSortRole(SessionModel::SortRole);
    m_proxy.setFilterKeyColumn(-1);
    m_proxy.setFilterCaseSensitivity(Qt::CaseInsensitive);
    m_proxy.setSortCaseSensitivity(Qt::CaseInsensitive);
    m_filter.setPlaceholderText(tr("Filter by user, session, address or user agent"));
    m_filter.setClearButtonEnabled(true);
    setUpView();
    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(&m_filter);
    layout->addWidget(&m_view);

    connect(&m_filter, &QLineEdit::textChanged, &m_proxy,
            &QSortFilterProxyModel::setFilterFixedString);
    connect(&m_proxy, &QAbstractItemModel::rowsInserted, this, &SessionsPane::reportCounts);
    connect(&m_proxy, &QAbstractItemModel::rowsRemoved, this, &SessionsPane::reportCounts);
    connect(&m_proxy, &QAbstractItemModel::modelReset, this, &SessionsPane::reportCounts);
    connect(&m_proxy, &QAbstractItemModel::layoutChanged, this, &SessionsPane::reportCounts);
    connect(&m_view, &QWidget::customContextMenuRequested, this, &SessionsPane::showMenu);
    // A repaint, not dataChanged: ages are computed when painted, and a
    // sorting proxy need not hear about every second that passes.
    m_ageTimer.setInterval(1000);
    connect(&m_ageTimer, &QTimer::timeout, m_view.viewport(), qOverload<>(&QWidget::update));
    m_ageTimer.start();
}

void SessionsPane::setUpView()
{
    m_view.setModel(&m_proxy);
    m_view.setSortingEnabled(true);
    m_view.sortByColumn(SessionModel::ConnectedColumn, Qt::DescendingOrder);
    m_view.setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view.setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view.setAlternatingRowColors(true);
    m_view.setWordWrap(false);
    m_view.setTextElideMode(Qt::ElideRight);
    m_view.verticalHeader()->hide();
    m_view.verticalHeader()->setDefaultSectionSize(m_view.fontMetrics().height() + 8);
    m_view.horizontalHeader()->setStretchLastSection(false);
    m_view.horizontalHeader()->setSectionResizeMode(SessionModel::UserAgentColumn,
                                                    QHeaderView::Stretch);
    // The user agent column takes what is left: keep the others just wide enough.
    m_view.setColumnWidth(SessionModel::UserColumn, 110);
    m_view.setColumnWidth(SessionModel::SessionColumn, 205);
    m_view.setColumnWidth(SessionModel::AddressColumn, 100);
    m_view.setColumnWidth(SessionModel::ConnectedColumn, 145);
    m_view.setColumnWidth(SessionModel::LastPongColumn, 80);
    m_view.setColumnWidth(SessionModel::FramesSentColumn, 85);
    m_view.setContextMenuPolicy(Qt::CustomContextMenu);
}

void SessionsPane::showMenu(const QPoint &position)
{
    // Selected proxy rows, mapped by session id: rows move as events arrive.
    QList<AdminSessionRecord> selection;
    for (const QModelIndex &index : m_view.selectionModel()->selectedRows()) {
        const int row = m_model.rowOf(index.data(SessionModel::SessionIdRole).toString());
        if (row >= 0)
            selection.append(m_model.sessionAt(row));
    }
    if (selection.isEmpty())
        return;
    const auto menu = m_actions.menuFor(selection, this);
    menu->exec(m_view.viewport()->mapToGlobal(position));
}

void SessionsPane::reportCounts()
{
    Q_EMIT countsChanged(m_proxy.rowCount(), m_model.sessionCount(), m_model.userCount());
}

} // namespace Herald
