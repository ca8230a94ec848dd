#pragma once

#include "adminclient.h"
#include "eventlogmodel.h"
#include "nodestatsmodel.h"
#include "sessionmodel.h"
#include "traffichistory.h"

#include <QObject>

namespace Herald {

// Everything the console knows about one server, without any widget: the
// admin client and the models it feeds. Panes are views of these.
//
// monitor/core owns the admin client, the connection settings and tokens, and
// the models (sessions, event log, traffic history, cluster nodes); it may
// include shared/ and Qt Core/Network/WebSockets, never widgets.
class Monitor : public QObject
{
    Q_OBJECT

public:
    explicit Monitor(QObject *parent = nullptr);

    AdminClient &client() { return m_client; }
    SessionModel &sessions() { return m_sessions; }
    EventLogModel &eventLog() { return m_eventLog; }
    TrafficHistory &traffic() { return m_traffic; }
    NodeStatsModel &nodes() { return m_nodes; }

    void connectTo(const AdminEndpoint &endpoint);
    void disconnectFromServer();
    // "Live: 127.0.0.1:8081 (herald-server 0.1.0)", "Reconnecting in 4 s…"
    QString statusText() const;

private:
    void onStateChanged(AdminClient::State state);
    void onEvents(const QList<AdminEvent> &events);
    void note(const QString &text);

    AdminClient m_client;
    SessionModel m_sessions;
    EventLogModel m_eventLog;
    TrafficHistory m_traffic;
    NodeStatsModel m_nodes;
    AdminClient::State m_lastState = AdminClient::State::Disconnected;
};

} // namespace Herald
