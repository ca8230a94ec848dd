#include "api/metricsexporter.h"

#include "processinfo.h"
#include "serverstats.h"
#include "ws/sessiondirectory.h"

#include <QList>

#include <utility>

namespace Herald {

namespace {

class Writer
{
public:
    // One family: its HELP and TYPE lines, then a sample per label set.
    void family(const char *name, const char *type, const char *help,
                const QList<std::pair<QByteArray, double>> &samples)
    {
        m_out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n';
        for (const auto &[labels, value] : samples)
            sample(name + labels, value);
    }
    void single(const char *name, const char *type, const char *help, double value)
    {
        family(name, type, help, {{QByteArray(), value}});
    }
    void histogram(const char *name, const char *help, const Histogram::Snapshot &h)
    {
        m_out += QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + " histogram\n";
        for (qsizetype i = 0; i < h.bounds.size(); ++i)
            sample(name + QByteArray("_bucket{le=\"") + number(h.bounds[i]) + "\"}",
                   double(h.cumulative[i]));
        sample(name + QByteArray("_bucket{le=\"+Inf\"}"), double(h.count));
        sample(name + QByteArray("_sum"), h.sum);
        sample(name + QByteArray("_count"), double(h.count));
    }
    QByteArray text() const { return m_out; }

private:
    static QByteArray number(double value) { return QByteArray::number(value, 'g', 17); }
    void sample(const QByteArray &series, double value)
    {
        m_out += series + ' ' + number(value) + '\n';
    }

    QByteArray m_out;
};

double load(const std::atomic<quint64> &counter)
{
    return double(counter.load(std::memory_order_relaxed));
}

} // namespace

MetricsExporter::MetricsExporter(const ServerStats &stats, const SessionDirectory &directory)
    : m_stats(stats), m_directory(directory)
{ }

QByteArray MetricsExporter::render() const
{
    const ServerStats &s = m_stats;
    Writer w;
    w.single("herald_sessions", "gauge", "Open browser sessions.",
             double(m_directory.sessionCount()));
    w.single("herald_users", "gauge", "Users with at least one open session.",
             double(m_directory.userCount()));
    w.single("herald_sessions_opened_total", "counter", "Sessions opened.", load(s.sessionsOpened));
    w.single("herald_sessions_closed_total", "counter", "Sessions closed, for any reason.",
             load(s.sessionsClosed));
    w.family("herald_handshakes_total", "counter", "WebSocket handshakes by result.",
             {{"{result=\"accepted\"}", load(s.sessionsOpened)},
              {"{result=\"rejected\"}", load(s.rejectedHandshakes)},
              {"{result=\"origin_not_allowed\"}", load(s.originRefusals)}});
    w.family("herald_pushes_total", "counter", "Accepted pushes by kind.",
             {{"{kind=\"notify\"}", load(s.notifications)},
              {"{kind=\"broadcast\"}", load(s.broadcasts)}});
    w.single("herald_stored_notifications_total", "counter", "Pushes committed to the store.",
             load(s.storedNotifications));
    w.single("herald_deliveries_total", "counter", "Frames sent to browser sessions.",
             load(s.framesSent));
    w.single("herald_sent_bytes_total", "counter", "Frame text sent to browser sessions, in bytes.",
             load(s.bytesSent));
    w.single("herald_client_frames_total", "counter", "Frames received from browser sessions.",
             load(s.clientFrames));
    w.single("herald_heartbeat_reaps_total", "counter", "Sessions closed for a missed pong.",
             load(s.heartbeatReaps));
    w.single("herald_store_commits_total", "counter", "Store transactions.", load(s.storeCommits));
    w.single("herald_store_errors_total", "counter", "Store transactions that failed.",
             load(s.storeErrors));
    w.single("herald_broker_messages_total", "counter",
             "Messages received from the broker (Redis pub/sub).", load(s.brokerMessages));
    w.single("herald_broker_channels", "gauge",
             "Broker user channels subscribed: those of the users with sessions here.",
             load(s.brokerChannels));
    w.single("herald_replica_shortfalls_total", "counter",
             "Pushes stored on the broker but answered 503 replicas_unavailable: fewer than "
             "broker_min_replicas replicas acknowledged them in time.",
             load(s.replicaShortfalls));
    w.family("herald_api_refusals_total", "counter",
             "Push-API requests refused before routing, by reason.",
             {{"{reason=\"bad_request\"}", load(s.apiBadRequests)},
              {"{reason=\"too_large\"}", load(s.apiTooLarge)},
              {"{reason=\"timeout\"}", load(s.apiTimeouts)},
              {"{reason=\"slow_reader\"}", load(s.apiSlowReaders)}});
    w.family("herald_slow_consumer_closes_total", "counter",
             "Clients closed with 1008 slow consumer: queue over its budget or stalled.",
             {{"{client=\"browser\"}", load(s.slowConsumerCloses)},
              {"{client=\"admin\"}", load(s.adminSlowConsumerCloses)}});
    w.family("herald_limit_refusals_total", "counter",
             "Connections and sessions refused or closed by a limit, by limit.",
             {{"{limit=\"client_rate\"}", load(s.rateLimitCloses)},
              {"{limit=\"max_sessions_per_user\"}", load(s.userSessionRefusals)},
              {"{limit=\"max_sessions_per_token\"}", load(s.tokenSessionRefusals)},
              {"{limit=\"max_sessions\"}", load(s.serverFullRefusals)},
              {"{limit=\"max_handshakes\"}", load(s.handshakeLimitCloses)}});
    w.single("herald_token_expiry_closes_total", "counter",
             "Sessions closed with 4002 as their token expired (enforce_token_expiry).",
             load(s.tokenExpiryCloses));
    w.single("herald_store_unavailable_closes_total", "counter",
             "Sessions closed with 1013 as they opened: the broker could not be asked where "
             "their stream stands.",
             load(s.storeUnavailableCloses));
    w.single("herald_seq_gap_closes_total", "counter",
             "Live sessions closed with 1013 to resume: a notification never reached this "
             "node (with a broker).",
             load(s.seqGapCloses));
    w.single("herald_protocol_error_closes_total", "counter",
             "Sessions closed with 1002 for unmasked client frames.", load(s.protocolErrorCloses));
    w.single("herald_accept_pauses_total", "counter",
             "Times accept() ran out of descriptors and the listener paused.",
             load(s.acceptPauses));
    w.single("herald_tls_handshake_failures_total", "counter",
             "TLS connections closed before their request: the handshake failed or timed out.",
             load(s.tlsHandshakeFailures));
    w.single("herald_unread_frames_merged_total", "counter",
             "Unread frames not sent because unchanged or coalesced.", load(s.unreadFramesMerged));
    w.single("herald_log_lines_suppressed_total", "counter",
             "Log lines about refused clients dropped by the rate limit.",
             load(s.logLinesSuppressed));
    w.family("herald_config_reloads_total", "counter",
             "Configuration reloads (SIGHUP, admin command reload) by result; invalid: the "
             "file was refused and the running configuration kept.",
             {{"{result=\"applied\"}", load(s.configReloadsApplied)},
              {"{result=\"invalid\"}", load(s.configReloadsInvalid)}});
    w.family("herald_proxy_header_errors_total", "counter",
             "Headers from trusted proxies that could not be read, by header: a PROXY header "
             "(the connection is closed) or Forwarded / X-Forwarded-For (ignored).",
             {{"{header=\"proxy_protocol\"}", load(s.proxyHeaderErrors)},
              {"{header=\"forwarded\"}", load(s.forwardedHeaderErrors)}});
    w.histogram("herald_store_commit_seconds", "Time one store transaction took.",
                s.storeCommitSeconds.snapshot());
    w.histogram("herald_store_batch_size", "Pushes per store transaction (group commit).",
                s.storeBatchSize.snapshot());
    w.single("herald_process_resident_memory_bytes", "gauge", "Resident memory.",
             double(ProcessInfo::residentBytes()));
    w.single("herald_process_open_fds", "gauge", "Open file descriptors.",
             double(ProcessInfo::openDescriptors()));
    w.single("herald_process_max_fds", "gauge", "File descriptor limit (RLIMIT_NOFILE).",
             double(ProcessInfo::maxDescriptors()));
    w.single("herald_uptime_seconds", "gauge", "Seconds since the server started.",
             double(s.uptimeMs()) / 1000.0);
    return w.text();
}

} // namespace Herald
