#include "benchclients.h"

#include "deliverytracker.h"
#include "pushplan.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QUrlQuery>
#include <QWebSocket>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr int CloseGraceMs = 3000;

} // namespace

BenchClients::BenchClients(Settings settings, const QElapsedTimer &clock, DeliveryTracker &tracker,
                           QObject *parent)
    : QObject(parent),
      m_settings(std::move(settings)),
      m_signer(m_settings.secret),
      m_clock(clock),
      m_tracker(tracker),
      m_sockets(size_t(sessionCount()), nullptr),
      m_states(size_t(sessionCount()), State::Idle),
      m_openedNs(size_t(sessionCount()), 0)
{
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(m_settings.batchTimeoutMs);
    connect(&m_batchTimer, &QTimer::timeout, this, &BenchClients::failBatch);
}

QString BenchClients::userId(int session) const
{
    return PushPlan::userId(session / m_settings.sessionsPerUser);
}

void BenchClients::open()
{
    m_startNs = m_clock.nsecsElapsed();
    openBatch();
}

void BenchClients::openBatch()
{
    if (m_next >= sessionCount()) {
        m_connectNs = m_clock.nsecsElapsed() - m_startNs;
        Q_EMIT connected();
        return;
    }
    m_batchStart = m_next;
    m_next = std::min(m_next + m_settings.batchSize, sessionCount());
    m_unsettled = m_next - m_batchStart;
    m_batchTimer.start();
    for (int session = m_batchStart; session < m_next; ++session)
        openSession(session);
}

void BenchClients::openSession(int session)
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->setProxy(QNetworkProxy::NoProxy);
    m_sockets[size_t(session)] = socket;
    m_states[size_t(session)] = State::Opening;
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, session](const QString &message) { onMessage(session, message); });
    connect(socket, &QWebSocket::disconnected, this,
            [this, session, socket] { onGone(session, socket->errorString()); });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, session, socket] { onGone(session, socket->errorString()); });

    const QDateTime expires = QDateTime::currentDateTimeUtc().addSecs(3600);
    QUrl url = m_settings.wsUrl;
    QUrlQuery query(url);
    query.addQueryItem(u"token"_s, QString::fromLatin1(m_signer.sign(userId(session), expires)));
    url.setQuery(query);
    m_openedNs[size_t(session)] = m_clock.nsecsElapsed();
    socket->open(url);
}

void BenchClients::onMessage(int session, const QString &message)
{
    const QJsonObject frame = QJsonDocument::fromJson(message.toUtf8()).object();
    const QString type = frame.value(u"type"_s).toString();
    if (type == u"notification"_s) {
        const QJsonObject data = frame.value(u"data"_s).toObject();
        m_tracker.record(session, frame.value(u"id"_s).toString(), data.value(u"seq"_s).toInt(-1),
                         qint64(data.value(u"sent_ns"_s).toDouble()));
    } else if (type == u"welcome"_s) {
        onWelcome(session);
    }
}

void BenchClients::onWelcome(int session)
{
    if (m_states[size_t(session)] != State::Opening)
        return;
    m_states[size_t(session)] = State::Open;
    ++m_welcomed;
    m_handshakeNs.push_back(m_clock.nsecsElapsed() - m_openedNs[size_t(session)]);
    m_tracker.markOnline(session);
    settle(session);
}

void BenchClients::onGone(int session, const QString &error)
{
    const State state = m_states[size_t(session)];
    if (state == State::Gone)
        return;
    m_states[size_t(session)] = State::Gone;
    if (m_closing) {
        if (--m_live == 0)
            finishClosing();
        return;
    }
    if (state == State::Open) {
        ++m_dropped;
        return;
    }
    ++m_failed;
    if (m_firstError.isEmpty())
        m_firstError = error;
    settle(session);
}

void BenchClients::settle(int session)
{
    if (session < m_batchStart || --m_unsettled > 0)
        return;
    m_batchTimer.stop();
    // Not from inside the socket's signal: the next batch opens from the event loop.
    QTimer::singleShot(0, this, &BenchClients::openBatch);
}

void BenchClients::failBatch()
{
    for (int session = m_batchStart; session < m_next; ++session) {
        if (m_states[size_t(session)] != State::Opening)
            continue;
        m_states[size_t(session)] = State::Gone;
        ++m_failed;
        if (m_firstError.isEmpty())
            m_firstError = u"no welcome frame within %1 ms"_s.arg(m_settings.batchTimeoutMs);
        m_sockets[size_t(session)]->abort();
    }
    m_unsettled = 0;
    openBatch();
}

void BenchClients::closeAll()
{
    m_closing = true;
    m_batchTimer.stop();
    for (size_t session = 0; session < m_sockets.size(); ++session) {
        if (m_states[session] == State::Gone || !m_sockets[session])
            continue;
        ++m_live;
        m_sockets[session]->close(QWebSocketProtocol::CloseCodeNormal, u"bench done"_s);
    }
    if (m_live == 0)
        QTimer::singleShot(0, this, &BenchClients::finishClosing);
    else
        QTimer::singleShot(CloseGraceMs, this, &BenchClients::finishClosing);
}

void BenchClients::finishClosing()
{
    if (!m_closing)
        return;
    m_closing = false; // emit once, whichever of the last socket and the grace timer wins
    Q_EMIT closed();
}

} // namespace Herald
