#pragma once

#include "connectionindicator.h"
#include "eventlogpane.h"
#include "nodespane.h"
#include "sessionactions.h"
#include "sessioncountlabel.h"
#include "sessionspane.h"
#include "trafficpane.h"

#include <QDockWidget>
#include <QMainWindow>

namespace Herald {

class Monitor;
class ProfileStore;
class TokenStore;

// Composes the panes around one Monitor: sessions in the centre, traffic on
// the right, the event log below with the cluster's nodes beside it (shown
// only for a cluster), connection state and counts in the status bar, and a
// toolbar whose actions open dialogs or forward to Monitor.
//
// monitor/ui owns the widgets: panes, dialogs, delegates. It shows the models
// of monitor/core and forwards actions to them; no protocol or model logic.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    MainWindow(Monitor &monitor, ProfileStore &profiles, TokenStore &tokens,
               QWidget *parent = nullptr);

    SessionsPane &sessionsPane() { return m_sessions; }
    EventLogPane &eventLogPane() { return m_eventLog; }
    TrafficPane &trafficPane() { return m_traffic; }
    NodesPane &nodesPane() { return m_nodes; }

    void showConnectDialog() { showConnectDialogFor({}, {}); }
    // The dialog with profile \a name selected and \a url filled in, when given.
    void showConnectDialogFor(const QString &name, const QUrl &url);
    void showSendDialog();

private:
    QDockWidget *addDock(QWidget &pane, const QString &title, Qt::DockWidgetArea area);
    void buildToolBar();
    void showNodes(int count); // the Nodes dock only for a cluster
    void fitNodesDock();
    void updateTitle();

    Monitor &m_monitor;
    ProfileStore &m_profiles;
    TokenStore &m_tokens;
    SessionActions m_actions;
    SessionsPane m_sessions;
    TrafficPane m_traffic;
    EventLogPane m_eventLog;
    NodesPane m_nodes;
    ConnectionIndicator m_indicator;
    SessionCountLabel m_counts;
    QDockWidget *m_logDock = nullptr;
    QDockWidget *m_nodesDock = nullptr;
};

} // namespace Herald
