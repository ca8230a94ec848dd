#include "comparerunner.h"

#include "processstats.h"

#include <QNetworkProxy>
#include <QWebSocket>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <ctime>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr int PushConnections = 32; // keep-alive HTTP connections, one request in flight each
constexpr int BatchTimeoutMs = 15000;
constexpr int SettleMs = 1000; // let the server finish its per-session work before reading RSS
constexpr qint64 MaxP99Ns = 100'000'000;
constexpr double BenchBoundPct = 90;

volatile std::sig_atomic_t stopAsked = 0;

void askStop(int)
{
    stopAsked = 1;
}

// CLOCK_MONOTONIC is one clock for every process of the machine: a listener
// (--listen) times a broadcast that another herald-bench process sent.
qint64 nowNs()
{
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    return qint64(now.tv_sec) * 1'000'000'000 + now.tv_nsec;
}

double percentileMs(std::vector<qint64> values, double p)
{
    if (values.empty())
        return -1;
    std::sort(values.begin(), values.end());
    const size_t index = std::min(values.size() - 1, size_t(p * double(values.size())));
    return double(values[index]) / 1e6;
}

// The "sent_ns" number anywhere in a frame: herald nests it in data, the peers
// deliver the payload as it was posted. -1 when absent.
qint64 sentNsOf(const QString &frame)
{
    static const QString key = u"\"sent_ns\":"_s;
    const qsizetype at = frame.indexOf(key);
    if (at < 0)
        return -1;
    qsizetype end = at + key.size();
    while (end < frame.size() && QStringView(u"0123456789.e+-").contains(frame.at(end)))
        ++end;
    bool ok = false;
    const double value
        = QStringView(frame).mid(at + key.size(), end - at - key.size()).toDouble(&ok);
    return ok ? qint64(value) : -1;
}

} // namespace

CompareRunner::CompareRunner(PeerTarget target, Settings settings, QObject *parent)
    : QObject(parent),
      m_target(std::move(target)),
      m_settings(std::move(settings)),
      m_sockets(size_t(m_settings.sessions), nullptr),
      m_settled(size_t(m_settings.sessions), 0)
{
    const QUrl api = m_target.pushRequest(0).url();
    m_pusher = new RawPusher(api.host(), quint16(api.port(80)), PushConnections, this);
    connect(m_pusher, &RawPusher::answered, this, &CompareRunner::onAnswer);
    m_batchTimer.setSingleShot(true);
    m_batchTimer.setInterval(BatchTimeoutMs);
    connect(&m_batchTimer, &QTimer::timeout, this, [this] {
        const int first = m_batchStart, end = m_next; // settle() may open the next batch
        for (int session = first; session < end; ++session)
            settle(session, false);
    });
    m_tick.setTimerType(Qt::PreciseTimer);
    m_tick.setInterval(1);
    connect(&m_tick, &QTimer::timeout, this, &CompareRunner::tick);
    m_drainPoll.setInterval(20);
    connect(&m_drainPoll, &QTimer::timeout, this, &CompareRunner::pollDrain);
    m_stopPoll.setInterval(100);
    connect(&m_stopPoll, &QTimer::timeout, this, [this] {
        if (stopAsked)
            reportHeard();
    });
}

void CompareRunner::start()
{
    std::printf("target            %s, %d sessions\n",
                qPrintable(PeerTarget::name(m_target.kind())), m_settings.sessions);
    m_rssBefore = ProcessStats::rssBytes(m_settings.serverPids);
    m_connectStartNs = nowNs();
    openBatch();
}

void CompareRunner::openBatch()
{
    if (m_next >= m_settings.sessions) {
        onConnected();
        return;
    }
    const int end = std::min(m_next + m_settings.connectBatch, m_settings.sessions);
    m_unsettled = end - m_next;
    const int first = m_next;
    m_batchStart = first;
    m_next = end;
    m_batchTimer.start();
    for (int session = first; session < end; ++session)
        openSession(session);
}

void CompareRunner::openSession(int session)
{
    auto *socket = new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this);
    socket->setProxy(QNetworkProxy::NoProxy);
    m_sockets[size_t(session)] = socket;
    connect(socket, &QWebSocket::connected, this, [this, session] { settle(session, true); });
    connect(socket, qOverload<QAbstractSocket::SocketError>(&QWebSocket::error), this,
            [this, session] { settle(session, false); });
    connect(socket, &QWebSocket::textMessageReceived, this, &CompareRunner::onFrame);
    socket->open(m_target.sessionUrl(m_settings.firstUser + session));
}

void CompareRunner::settle(int session, bool ok)
{
    if (m_settled[size_t(session)])
        return;
    m_settled[size_t(session)] = 1;
    ++(ok ? m_connected : m_failed);
    if (--m_unsettled == 0) {
        m_batchTimer.stop();
        openBatch();
    }
}

void CompareRunner::onConnected()
{
    if (m_churnRound > 0) {
        std::printf("churn round %d     %d reconnected, %d failed\n", m_churnRound, m_connected,
                    m_failed);
        if (m_failed > 0)
            m_exitCode = 1;
        QTimer::singleShot(SettleMs, this, &CompareRunner::measureMemory);
        return;
    }
    const double seconds = double(nowNs() - m_connectStartNs) / 1e9;
    std::printf("sessions          %d connected, %d failed\n", m_connected, m_failed);
    std::printf("connect rate      %.0f sessions/s (%.2f s)\n", m_connected / seconds, seconds);
    result("sessions", m_connected, "");
    result("connect_rate", m_connected / seconds, "sessions/s");
    if (m_connected == 0) {
        m_exitCode = 2;
        finish();
        return;
    }
    if (m_failed > 0)
        m_exitCode = 1;
    QTimer::singleShot(SettleMs, this, &CompareRunner::measureMemory);
}

void CompareRunner::measureMemory()
{
    const qint64 rss = ProcessStats::rssBytes(m_settings.serverPids);
    if (rss >= 0 && m_rssBefore >= 0) {
        const double perSession = double(rss - m_rssBefore) / 1024.0 / m_connected;
        std::printf("memory/session    %.1f KiB %s (server RSS %.1f -> %.1f MiB)\n", perSession,
                    m_churnRound == 0 ? "fresh" : qPrintable(u"after churn %1"_s.arg(m_churnRound)),
                    m_rssBefore / 1048576.0, rss / 1048576.0);
        if (m_churnRound == 0)
            result("kib_per_session", perSession, "KiB");
        else if (m_churnRound == m_settings.churnRounds)
            result("kib_per_session_churned", perSession, "KiB");
    } else {
        std::printf("memory/session    unknown (pass --server-pid)\n");
    }
    if (m_churnRound < m_settings.churnRounds && m_connected == m_settings.sessions)
        return churn();
    if (m_settings.listen)
        return listen();
    startStep(m_settings.rate, m_settings.latencyPushes, [this] { reportLatency(); });
}

// Closes every session, waits until each is closed, then opens them all again.
void CompareRunner::churn()
{
    ++m_churnRound;
    QList<QWebSocket *> open;
    for (QWebSocket *&socket : m_sockets) {
        if (socket && socket->state() == QAbstractSocket::ConnectedState)
            open.append(socket);
        else if (socket)
            socket->deleteLater();
        socket = nullptr;
    }
    m_churnOpen = int(open.size()) + 1; // + 1: until every close has been asked for
    for (QWebSocket *socket : open) {
        connect(socket, &QWebSocket::disconnected, this, &CompareRunner::onChurnClosed);
        socket->close();
    }
    onChurnClosed();
}

void CompareRunner::onChurnClosed()
{
    if (QObject *socket = sender())
        socket->deleteLater();
    if (--m_churnOpen > 0)
        return;
    std::fill(m_settled.begin(), m_settled.end(), 0);
    m_next = 0;
    m_connected = 0;
    m_failed = 0;
    // Let the server finish closing before the next round connects.
    QTimer::singleShot(SettleMs, this, &CompareRunner::openBatch);
}

// An open-loop step: pushes leave on a fixed schedule whatever the answers do.
void CompareRunner::startStep(int rate, int total, std::function<void()> done)
{
    m_step = Step{};
    m_step.rate = rate;
    m_step.total = total;
    m_step.latencyNs.reserve(size_t(total));
    m_step.startNs = nowNs();
    m_step.lastProgressNs = m_step.startNs;
    m_step.serverCpuMs = ProcessStats::cpuMs(m_settings.serverPids);
    m_step.benchCpuMs = ProcessStats::selfCpuMs();
    m_stepDone = std::move(done);
    m_stepActive = true;
    // One wake-up per push at low rates (a 1 ms tick alone costs the bench CPU).
    m_tick.setInterval(std::clamp(1000 / rate, 1, 10));
    m_tick.start();
    m_drainPoll.start();
    tick();
}

void CompareRunner::tick()
{
    const qint64 now = nowNs();
    const qint64 due
        = std::min<qint64>(m_step.total, (now - m_step.startNs) * m_step.rate / 1'000'000'000 + 1);
    while (m_step.sent < due) {
        m_random ^= m_random << 13;
        m_random ^= m_random >> 17;
        m_random ^= m_random << 5;
        const int user = m_settings.firstUser
            + int(m_random % quint32(m_connected > 0 ? m_settings.sessions : 1));
        const QByteArray payload = R"({"seq":)" + QByteArray::number(m_step.sent) + R"(,"sent_ns":)"
            + QByteArray::number(nowNs()) + '}';
        m_pusher->post(m_target.pushHead(user), m_target.pushBody(user, payload));
        ++m_step.sent;
    }
    if (m_step.sent >= m_step.total)
        m_tick.stop();
}

void CompareRunner::onAnswer(bool ok)
{
    ++(ok ? m_step.accepted : m_step.failed);
    m_step.lastProgressNs = nowNs();
}

void CompareRunner::onFrame(const QString &frame)
{
    const qint64 sentNs = sentNsOf(frame);
    if (m_settings.listen) {
        if (sentNs >= 0 && frame.contains(u"\"seq\":-1"_s)) {
            Heard &heard = m_heard[sentNs];
            ++heard.received;
            heard.lastNs = nowNs();
        }
        return;
    }
    if (sentNs >= 0 && sentNs == m_broadcastSentNs) {
        m_broadcastLastNs = nowNs();
        if (++m_broadcastReceived >= m_connected)
            finishBroadcast();
        return;
    }
    if (!m_stepActive || sentNs < m_step.startNs)
        return; // welcome frames, stragglers of an earlier step
    const qint64 now = nowNs();
    m_step.latencyNs.push_back(now - sentNs);
    ++m_step.received;
    m_step.lastProgressNs = now;
}

// Done when every accepted push arrived, or when nothing happened for drainMs.
void CompareRunner::pollDrain()
{
    if (m_step.sent < m_step.total)
        return;
    const bool answered = m_step.accepted + m_step.failed >= m_step.sent;
    const bool quiet = nowNs() - m_step.lastProgressNs > qint64(m_settings.drainMs) * 1'000'000;
    if ((answered && m_step.received >= m_step.accepted) || quiet)
        finishStep();
}

void CompareRunner::finishStep()
{
    m_tick.stop();
    m_drainPoll.stop();
    m_stepActive = false;
    m_step.serverCpuMs = ProcessStats::cpuMs(m_settings.serverPids) - m_step.serverCpuMs;
    m_step.benchCpuMs = ProcessStats::selfCpuMs() - m_step.benchCpuMs;
    m_stepDone();
}

void CompareRunner::reportLatency()
{
    const double seconds = double(m_step.total) / m_step.rate;
    const int lost = m_step.accepted - m_step.received;
    std::printf("unicast %d/s      p50 %.2f ms, p99 %.2f ms, %d sent, %d failed, %d lost\n",
                m_step.rate, percentileMs(m_step.latencyNs, 0.50),
                percentileMs(m_step.latencyNs, 0.99), m_step.sent, m_step.failed, lost);
    std::printf("  CPU             server %.1f %%, bench %.1f %% of a core\n",
                m_step.serverCpuMs / seconds / 10.0, m_step.benchCpuMs / seconds / 10.0);
    result("p50_ms", percentileMs(m_step.latencyNs, 0.50), "ms");
    result("p99_ms", percentileMs(m_step.latencyNs, 0.99), "ms");
    result("lost", lost + m_step.failed, "");
    result("server_cpu_pct", m_step.serverCpuMs / seconds / 10.0, "%");
    if (lost + m_step.failed > 0)
        m_exitCode = 1;
    m_broadcastsLeft = m_settings.broadcasts;
    m_broadcastTimeout.setSingleShot(true);
    m_broadcastTimeout.setInterval(5000);
    connect(&m_broadcastTimeout, &QTimer::timeout, this, &CompareRunner::finishBroadcast);
    nextBroadcast();
}

// One broadcast at a time, so each one's fan-out is timed on its own.
void CompareRunner::nextBroadcast()
{
    if (m_broadcastsLeft-- > 0) {
        m_broadcastReceived = 0;
        m_broadcastSentNs = nowNs();
        const QByteArray payload
            = R"({"seq":-1,"sent_ns":)" + QByteArray::number(m_broadcastSentNs) + '}';
        m_pusher->post(m_target.broadcastHead(), m_target.broadcastBody(payload));
        m_broadcastTimeout.start();
        return;
    }
    if (!m_timeToLastNs.empty()) {
        std::printf("broadcast         time to last p50 %.1f ms, max %.1f ms (%zu broadcasts)\n",
                    percentileMs(m_timeToLastNs, 0.5), percentileMs(m_timeToLastNs, 1.0),
                    m_timeToLastNs.size());
        result("broadcast_ms", percentileMs(m_timeToLastNs, 0.5), "ms");
    }
    if (!m_settings.maxRate) {
        finish();
        return;
    }
    m_rates = {250, 500, 1000, 2000, 4000, 8000, 16000, 32000};
    nextMaxRateStep();
}

void CompareRunner::finishBroadcast()
{
    m_broadcastTimeout.stop();
    if (m_broadcastReceived < m_connected) {
        std::printf("broadcast         %d of %d sessions received one within 5 s\n",
                    m_broadcastReceived, m_connected);
        m_exitCode = 1;
    } else {
        m_timeToLastNs.push_back(m_broadcastLastNs - m_broadcastSentNs);
    }
    printHeard(m_broadcastSentNs, {m_broadcastReceived, m_broadcastLastNs});
    m_broadcastSentNs = -1;
    QTimer::singleShot(200, this, &CompareRunner::nextBroadcast);
}

// Steps up the offered rate until a step loses a push, sees an HTTP failure, has
// p99 >= 100 ms, or could not even send on schedule (then the bench is the limit).
void CompareRunner::nextMaxRateStep()
{
    if (m_rates.isEmpty()) {
        std::printf("max unicast       >= %d msg/s (highest step passed)\n", m_bestRate);
        result("max_rate", m_bestRate, "msg/s");
        finish();
        return;
    }
    const int rate = m_rates.takeFirst();
    startStep(rate, int(qint64(rate) * m_settings.stepMs / 1000), [this] {
        const double p99 = percentileMs(m_step.latencyNs, 0.99);
        const int lost = m_step.accepted - m_step.received;
        const double seconds = double(m_step.total) / m_step.rate;
        std::printf("  step %6d/s    p99 %.2f ms, %d failed, %d lost, server CPU %.0f %%, bench "
                    "CPU %.0f %%\n",
                    m_step.rate, p99, m_step.failed, lost, m_step.serverCpuMs / seconds / 10.0,
                    m_step.benchCpuMs / seconds / 10.0);
        if (lost > 0 || m_step.failed > 0 || p99 * 1e6 >= double(MaxP99Ns) || p99 < 0) {
            // Above ~90 % of a core the bench's own event loop is what fell behind.
            const bool benchBound = m_step.benchCpuMs / seconds / 10.0 >= BenchBoundPct;
            m_rates.clear();
            std::printf("max unicast       %d msg/s%s\n", m_bestRate,
                        benchBound ? " (bench-bound: herald-bench was the limit, not the server)"
                                   : "");
            result("max_rate", m_bestRate, "msg/s");
            result("max_rate_bench_bound", benchBound ? 1 : 0, "");
            finish();
            return;
        }
        m_bestRate = m_step.rate;
        QTimer::singleShot(300, this, &CompareRunner::nextMaxRateStep);
    });
}

// Listens only: keeps the sessions open and notes when each broadcast (sent
// by another herald-bench process) reached its last session here, until
// SIGTERM or SIGINT.
void CompareRunner::listen()
{
    std::printf("listening         %d sessions, until SIGTERM or SIGINT\n", m_connected);
    std::fflush(stdout);
    std::signal(SIGTERM, askStop);
    std::signal(SIGINT, askStop);
    m_stopPoll.start();
}

void CompareRunner::reportHeard()
{
    m_stopPoll.stop();
    for (auto it = m_heard.cbegin(); it != m_heard.cend(); ++it)
        printHeard(it->first, it->second);
    finish();
}

// One line per broadcast, for bench/cluster.sh to merge over processes.
void CompareRunner::printHeard(qint64 sentNs, const Heard &heard)
{
    std::printf("heard sent_ns=%lld received=%d last_ns=%lld\n", static_cast<long long>(sentNs),
                heard.received, static_cast<long long>(heard.lastNs));
}

void CompareRunner::finish()
{
    const qint64 cpu = ProcessStats::selfCpuMs();
    std::printf("bench CPU         %.2f s (user + system, whole run)\n", cpu / 1000.0);
    result("bench_cpu_s", cpu / 1000.0, "s");
    std::fflush(stdout);
    for (QWebSocket *socket : m_sockets) {
        if (socket)
            socket->abort();
    }
    QTimer::singleShot(0, this, [this] { Q_EMIT finished(m_exitCode); });
}

void CompareRunner::result(const char *key, double value, const char *unit)
{
    std::printf("result %s=%.3f%s%s\n", key, value, *unit ? " " : "", unit);
}

} // namespace Herald
