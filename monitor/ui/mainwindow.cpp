#include "mainwindow.h"

#include "connectdialog.h"
#include "monitor.h"
#include "senddialog.h"

#include <QDockWidget>
#include <QStatusBar>
#include <QToolBar>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

MainWindow::MainWindow(Monitor &monitor, ProfileStore &profiles, TokenStore &tokens,
                       QWidget *parent)
    : QMainWindow(parent),
      m_monitor(monitor),
      m_profiles(profiles),
      m_tokens(tokens),
      m_actions(monitor.client()),
      m_sessions(monitor.sessions(), m_actions),
      m_traffic(monitor.traffic()),
      m_eventLog(monitor.eventLog()),
      m_nodes(monitor.nodes()),
      m_indicator(monitor)
{
    setWindowIcon(QIcon(u":/icons/herald.svg"_s));
    setCentralWidget(&m_sessions);
    QDockWidget *traffic = addDock(m_traffic, tr("Traffic"), Qt::RightDockWidgetArea);
    m_logDock = addDock(m_eventLog, tr("Event log"), Qt::BottomDockWidgetArea);
    m_nodesDock = addDock(m_nodes, tr("Nodes"), Qt::BottomDockWidgetArea);
    splitDockWidget(m_logDock, m_nodesDock, Qt::Horizontal);
    m_nodesDock->hide(); // until a stats frame lists the nodes of a cluster
    resizeDocks({traffic}, {520}, Qt::Horizontal);
    resizeDocks({m_logDock}, {300}, Qt::Vertical);
    connect(&monitor.nodes(), &NodeStatsModel::nodeCountChanged, this, &MainWindow::showNodes);
    connect(&monitor.nodes(), &NodeStatsModel::nodeCountChanged, &m_counts,
            &SessionCountLabel::showNodes);
    buildToolBar();
    statusBar()->addWidget(&m_indicator, 1);
    statusBar()->addPermanentWidget(&m_counts);
    connect(&m_sessions, &SessionsPane::countsChanged, &m_counts, &SessionCountLabel::showCounts);
    connect(&monitor.client(), &AdminClient::stateChanged, this, &MainWindow::updateTitle);
    updateTitle();
    resize(1280, 800);
}

QDockWidget *MainWindow::addDock(QWidget &pane, const QString &title, Qt::DockWidgetArea area)
{
    auto *dock = new QDockWidget(title, this);
    dock->setObjectName(title);
    dock->setWidget(&pane);
    dock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable);
    addDockWidget(area, dock);
    return dock;
}

void MainWindow::buildToolBar()
{
    QToolBar *bar = addToolBar(tr("Console"));
    bar->setObjectName(u"console"_s);
    bar->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    bar->setMovable(false);
    connect(bar->addAction(QIcon(u":/icons/connect.svg"_s), tr("Connect…")), &QAction::triggered,
            this, [this] { showConnectDialog(); });
    connect(bar->addAction(QIcon(u":/icons/disconnect.svg"_s), tr("Disconnect")),
            &QAction::triggered, &m_monitor, &Monitor::disconnectFromServer);
    bar->addSeparator();
    connect(bar->addAction(QIcon(u":/icons/send.svg"_s), tr("Send…")), &QAction::triggered, this,
            &MainWindow::showSendDialog);
    connect(bar->addAction(QIcon(u":/icons/resync.svg"_s), tr("Resync")), &QAction::triggered,
            &m_monitor.client(), &AdminClient::resync);
}

void MainWindow::showNodes(int count)
{
    if (count == 0) {
        m_nodesDock->hide();
    } else if (m_nodesDock->isHidden()) {
        m_nodesDock->show();
        // Once laid out: a dock that was hidden had no share of the width.
        QMetaObject::invokeMethod(this, &MainWindow::fitNodesDock, Qt::QueuedConnection);
    }
}

// The nodes take what their table needs from the event log, at most half.
void MainWindow::fitNodesDock()
{
    const int both = m_logDock->width() + m_nodesDock->width();
    const int nodes = std::min(m_nodes.sizeHint().width(), both / 2);
    resizeDocks({m_logDock, m_nodesDock}, {both - nodes, nodes}, Qt::Horizontal);
}

void MainWindow::showConnectDialogFor(const QString &name, const QUrl &url)
{
    ConnectDialog dialog(m_profiles, m_tokens, this);
    dialog.preset(name, url);
    if (dialog.exec() == QDialog::Accepted)
        m_monitor.connectTo(dialog.endpoint());
}

// Modeless: the operator can watch the log while sending.
void MainWindow::showSendDialog()
{
    auto *dialog = new SendDialog(m_monitor.client(), this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->show();
}

void MainWindow::updateTitle()
{
    const AdminEndpoint &endpoint = m_monitor.client().endpoint();
    setWindowTitle(endpoint.apiUrl.isEmpty()
                       ? tr("Herald Monitor")
                       : tr("Herald Monitor \u2014 %1").arg(endpoint.displayName()));
}

} // namespace Herald
