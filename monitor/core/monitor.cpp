#include "monitor.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

Monitor::Monitor(QObject *parent) : QObject(parent)
{
    connect(&m_client, &AdminClient::stateChanged, this, &Monitor::onStateChanged);
    connect(&m_client, &AdminClient::snapshotReceived, &m_sessions, &SessionModel::replaceAll);
    connect(&m_client, &AdminClient::eventsReceived, this, &Monitor::onEvents);
    connect(&m_client, &AdminClient::countersReceived, &m_sessions, &SessionModel::applyCounters);
    connect(&m_client, &AdminClient::statsReceived, &m_traffic, &TrafficHistory::add);
    connect(&m_client, &AdminClient::statsReceived, &m_nodes, &NodeStatsModel::update);
    connect(&m_client, &AdminClient::commandFinished, this,
            [this](const CommandResult &result) { note(result.summary()); });
    connect(&m_client, &AdminClient::serverError, this,
            [this](const QString &code, const QString &message) {
                note(tr("server error %1: %2").arg(code, message));
            });
}

void Monitor::connectTo(const AdminEndpoint &endpoint)
{
    if (endpoint.apiUrl != m_client.endpoint().apiUrl)
        m_traffic.clear(); // another server: its charts start empty
    note(tr("connecting to %1").arg(endpoint.displayName()));
    m_client.open(endpoint);
}

void Monitor::disconnectFromServer()
{
    m_client.close();
    m_sessions.clear(); // a console that is not connected shows no stale sessions
}

// Sessions and the log see the same batch; the log stamps it with arrival time
// (events carry no time of their own).
void Monitor::onEvents(const QList<AdminEvent> &events)
{
    m_sessions.applyEvents(events);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    QList<EventLogEntry> entries;
    entries.reserve(events.size());
    for (const AdminEvent &event : events)
        entries.append(EventLogEntry::fromEvent(event, now));
    m_eventLog.append(entries);
}

void Monitor::onStateChanged(AdminClient::State state)
{
    using State = AdminClient::State;
    const State previous = std::exchange(m_lastState, state);
    // The nodes are a live view: none while there is no live connection.
    if (state != State::Live && state != State::Syncing)
        m_nodes.clear();
    // One log line per change the operator cares about, not per retry.
    if (state == State::Live && previous != State::Live)
        note(tr("live: %1 sessions of %2 users")
                 .arg(m_sessions.sessionCount())
                 .arg(m_sessions.userCount()));
    else if (state == State::Waiting && previous != State::Connecting)
        note(tr("connection lost: %1").arg(m_client.errorString()));
    else if (state == State::Refused)
        note(m_client.errorString());
    else if (state == State::Disconnected && previous != State::Disconnected)
        note(tr("disconnected"));
}

void Monitor::note(const QString &text)
{
    m_eventLog.append(EventLogEntry::notice(text, QDateTime::currentDateTimeUtc()));
}

QString Monitor::statusText() const
{
    const QString where = m_client.endpoint().displayName();
    const AdminHello &hello = m_client.hello();
    switch (m_client.state()) {
    case AdminClient::State::Disconnected:
        return tr("Not connected");
    case AdminClient::State::Connecting:
        return tr("Connecting to %1…").arg(where);
    case AdminClient::State::Syncing:
        return tr("Synchronizing with %1…").arg(where);
    case AdminClient::State::Live:
        return tr("Live: %1 (%2 %3, %4 store)")
            .arg(where, hello.server, hello.version, hello.store);
    case AdminClient::State::Waiting:
        return tr("Reconnecting to %1 in %2 s (attempt %3): %4")
            .arg(where)
            .arg((std::max(0, m_client.retryRemainingMs()) + 999) / 1000)
            .arg(m_client.attempts())
            .arg(m_client.errorString());
    case AdminClient::State::Refused:
        return tr("Refused by %1: %2").arg(where, m_client.errorString());
    }
    return {};
}

} // namespace Herald
