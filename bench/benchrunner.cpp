#include "benchrunner.h"

#include "benchreport.h"
#include "pushload.h"

#include <cstdio>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr int DrainPollMs = 20;

void progress(const QString &line)
{
    std::fputs(qPrintable(u"herald-bench: "_s + line + u'\n'), stderr);
}

BenchClients::Settings clientSettings(const BenchOptions &options)
{
    BenchClients::Settings settings;
    settings.wsUrl = options.wsUrl;
    settings.secret = options.secret;
    settings.users = options.users;
    settings.sessionsPerUser = options.sessionsPerUser;
    settings.batchSize = options.connectBatch;
    return settings;
}

} // namespace

BenchRunner::BenchRunner(const BenchOptions &options, QObject *parent)
    : QObject(parent),
      m_options(options),
      m_plan(options.scenario, options.users, options.fanoutUsers),
      m_tracker(m_clock, options.users, options.sessionsPerUser),
      m_clients(clientSettings(options), m_clock, m_tracker)
{
    m_clock.start();
    m_drainPoll.setInterval(DrainPollMs);
    connect(&m_drainPoll, &QTimer::timeout, this, &BenchRunner::pollDrain);
    connect(&m_clients, &BenchClients::connected, this, &BenchRunner::onConnected);
    connect(&m_clients, &BenchClients::closed, this, [this] { Q_EMIT finished(m_exitCode); });
}

BenchRunner::~BenchRunner() = default;

void BenchRunner::start()
{
    progress(u"opening %1 sessions (%2 users x %3) to %4"_s
                 .arg(m_options.users * m_options.sessionsPerUser)
                 .arg(m_options.users)
                 .arg(m_options.sessionsPerUser)
                 .arg(m_options.wsUrl.toDisplayString()));
    m_clients.open();
}

void BenchRunner::onConnected()
{
    progress(u"%1 sessions welcomed, %2 failed, in %3"_s.arg(m_clients.welcomed())
                 .arg(m_clients.failed())
                 .arg(BenchReport::duration(m_clients.connectNs())));
    if (m_clients.welcomed() == 0) {
        progress(u"no session could connect: %1"_s.arg(m_clients.firstError()));
        m_exitCode = 2;
        m_clients.closeAll();
        return;
    }
    startLoad();
}

void BenchRunner::startLoad()
{
    PushLoad::Settings settings;
    settings.endpoint = m_options.apiUrl.resolved(QUrl(m_plan.path()));
    settings.apiKey = m_options.apiKey;
    settings.total = m_options.pushes;
    settings.concurrency = m_options.concurrency;
    settings.paced = m_options.scenario == Scenario::Broadcast;
    m_load
        = std::make_unique<PushLoad>(settings, m_clock, [this](int seq) { return nextBody(seq); });
    connect(m_load.get(), &PushLoad::acknowledged, &m_tracker, &DeliveryTracker::acknowledge);
    connect(m_load.get(), &PushLoad::finished, this, &BenchRunner::onLoadFinished);
    if (settings.paced)
        connect(&m_tracker, &DeliveryTracker::pushDelivered, m_load.get(), &PushLoad::release);
    progress(u"sending %1 pushes to %2 (%3 in flight)"_s.arg(settings.total)
                 .arg(settings.endpoint.toDisplayString())
                 .arg(settings.paced ? 1 : settings.concurrency));
    m_load->start();
}

QByteArray BenchRunner::nextBody(int seq)
{
    const QList<int> users = m_plan.pickUsers();
    const qint64 sentNs = m_clock.nsecsElapsed();
    m_tracker.expect(seq, users, sentNs);
    return PushPlan::body(users, seq, sentNs);
}

void BenchRunner::onLoadFinished()
{
    progress(u"%1 pushes answered; waiting for the last deliveries"_s.arg(m_options.pushes));
    m_framesAtLastPoll = m_tracker.framesReceived();
    m_lastProgressNs = m_clock.nsecsElapsed();
    m_drainPoll.start();
    pollDrain();
}

// Done when every accepted push reached every session, or when frames stopped
// arriving for drainMs (what is still missing then is lost).
void BenchRunner::pollDrain()
{
    const qint64 now = m_clock.nsecsElapsed();
    if (m_tracker.framesReceived() != m_framesAtLastPoll) {
        m_framesAtLastPoll = m_tracker.framesReceived();
        m_lastProgressNs = now;
    }
    if (m_tracker.complete() || now - m_lastProgressNs > qint64(m_options.drainMs) * 1000000)
        finish();
}

void BenchRunner::finish()
{
    m_drainPoll.stop();
    const DeliveryVerdict verdict = m_tracker.verify();
    BenchReport report(
        u"herald-bench: %1"_s.arg(BenchOptionsParser::scenarioName(m_options.scenario)));
    addConnectFigures(report);
    addPushFigures(report);
    addDeliveryFigures(report, verdict);
    m_exitCode = passed(verdict) ? 0 : 1;
    report.add(u"result"_s, m_exitCode == 0 ? u"PASS"_s : u"FAIL"_s);
    std::fputs(qPrintable(report.text()), stdout);
    std::fflush(stdout);
    m_clients.closeAll();
}

bool BenchRunner::passed(const DeliveryVerdict &verdict) const
{
    return verdict.passed() && m_load->failedCount() == 0 && m_clients.failed() == 0
        && m_clients.dropped() == 0;
}

void BenchRunner::addConnectFigures(BenchReport &report) const
{
    const int sessions = m_options.users * m_options.sessionsPerUser;
    report.add(
        u"sessions"_s,
        u"%1 of %2 welcomed (%3 users x %4), %5 failed, %6 dropped"_s.arg(m_clients.welcomed())
            .arg(sessions)
            .arg(m_options.users)
            .arg(m_options.sessionsPerUser)
            .arg(m_clients.failed())
            .arg(m_clients.dropped()));
    if (!m_clients.firstError().isEmpty())
        report.add(u"first connect error"_s, m_clients.firstError());
    report.add(
        u"connect time"_s,
        u"%1 (%2, batches of %3)"_s
            .arg(BenchReport::duration(m_clients.connectNs()),
                 BenchReport::rate(m_clients.welcomed(), m_clients.connectNs(), u"sessions"_s))
            .arg(m_options.connectBatch));
    report.add(u"handshake"_s, BenchReport::percentiles(m_clients.handshakeNs()));
}

void BenchRunner::addPushFigures(BenchReport &report) const
{
    const qint64 elapsed = m_load->lastReplyNs() - m_load->firstSendNs();
    report.add(u"pushes"_s,
               u"%1 sent, %2 accepted (202), %3 failed, in %4"_s.arg(m_options.pushes)
                   .arg(m_load->acceptedCount())
                   .arg(m_load->failedCount())
                   .arg(BenchReport::duration(elapsed)));
    if (!m_load->firstError().isEmpty())
        report.add(u"first push error"_s, m_load->firstError());
    if (m_plan.usersPerPush() > 1)
        report.add(u"users per push"_s, QString::number(m_plan.usersPerPush()));
    report.add(u"pushes/s"_s, BenchReport::rate(m_load->acceptedCount(), elapsed, u"pushes"_s));
    report.add(u"HTTP round trip"_s, BenchReport::percentiles(m_load->roundTripsNs()));
}

void BenchRunner::addDeliveryFigures(BenchReport &report, const DeliveryVerdict &verdict) const
{
    const qint64 elapsed = m_tracker.lastReceiptNs() - m_load->firstSendNs();
    report.add(u"deliveries"_s,
               u"%1 expected, %2 frames received, in %3"_s.arg(verdict.expected)
                   .arg(m_tracker.framesReceived())
                   .arg(BenchReport::duration(elapsed)));
    report.add(u"deliveries/s"_s,
               BenchReport::rate(m_tracker.framesReceived(), elapsed, u"deliveries"_s));
    report.add(u"delivery latency"_s, BenchReport::percentiles(m_tracker.latenciesNs()));
    if (m_options.scenario != Scenario::Notify)
        report.add(u"fan-out time"_s, BenchReport::percentiles(m_tracker.fanoutTimesNs()));
    report.add(u"lost"_s, QString::number(verdict.lost));
    report.add(u"duplicated"_s, QString::number(verdict.duplicated));
    report.add(u"unexpected"_s, QString::number(verdict.unexpected));
}

} // namespace Herald
