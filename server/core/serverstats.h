#pragma once

#include "histogram.h"

#include <QElapsedTimer>
#include <QJsonObject>

#include <atomic>

namespace Herald {

class SessionDirectory;

// Counters shared by the API thread and the workers; relaxed atomics, since
// each is an independent tally read only for reporting.
class ServerStats
{
public:
    ServerStats() { m_uptime.start(); }

    std::atomic<quint64> notifications{0}; // accepted notify calls
    std::atomic<quint64> broadcasts{0};
    std::atomic<quint64> framesSent{0};
    std::atomic<quint64> bytesSent{0}; // frame text, before WebSocket framing
    std::atomic<quint64> sessionsOpened{0};
    std::atomic<quint64> sessionsClosed{0};
    std::atomic<quint64> heartbeatReaps{0};
    std::atomic<quint64> rejectedHandshakes{0}; // answered >= 400, but for origin refusals
    std::atomic<quint64> originRefusals{0}; // 403 origin_not_allowed (allowed_origins)
    std::atomic<quint64> storedNotifications{0};
    std::atomic<quint64> storeCommits{0}; // transactions; stored / commits = mean batch size
    std::atomic<quint64> storeErrors{0};
    // Pushes stored on the broker's master but answered 503 replicas_unavailable: fewer than
    // broker_min_replicas replicas acknowledged their commit in time.
    std::atomic<quint64> replicaShortfalls{0};
    std::atomic<quint64> clientFrames{0};
    // With a broker: messages this node's subscriber received, and the user channels it
    // is subscribed to now (those of its sessions' users, docs/broker.md "Routing").
    std::atomic<quint64> brokerMessages{0};
    std::atomic<quint64> brokerChannels{0};
    // Push API requests refused before QHttpServer saw them.
    std::atomic<quint64> apiBadRequests{
        0}; // malformed or ambiguous heads (400, 411, 417, 431, 505)
    std::atomic<quint64> apiTooLarge{0}; // Content-Length over the limit (413)
    std::atomic<quint64> apiTimeouts{0}; // head or body too slow (408)
    std::atomic<quint64> apiSlowReaders{0}; // closed: over 8 MiB of answers unread

    Histogram storeCommitSeconds{Histogram::latencyBounds()}; // one append transaction
    Histogram storeBatchSize{{1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 5000}}; // pushes per commit

    // Limits against hostile clients (README "WebSocket limits").
    std::atomic<quint64> slowConsumerCloses{0}; // 1008 "slow consumer": budget or stalled queue
    std::atomic<quint64> rateLimitCloses{0}; // 1008 "too many messages"
    std::atomic<quint64> protocolErrorCloses{0}; // 1002: unmasked client frames
    std::atomic<quint64> userSessionRefusals{0}; // 4008 "too many sessions"
    std::atomic<quint64> storeUnavailableCloses{0}; // 1013: the broker could not be asked
    std::atomic<quint64> seqGapCloses{0}; // 1013: a live session's next seq skipped one
    std::atomic<quint64> tokenSessionRefusals{0}; // 4008: max_sessions_per_token
    std::atomic<quint64> tokenExpiryCloses{0}; // 4002 "token expired" (enforce_token_expiry)
    std::atomic<quint64> serverFullRefusals{0}; // 503 server_full: max_sessions reached
    std::atomic<quint64> handshakeLimitCloses{0}; // over max_handshakes(_per_address)
    std::atomic<quint64> acceptPauses{0}; // accept() ran out of descriptors
    std::atomic<quint64> tlsHandshakeFailures{0}; // TLS handshake failed or timed out
    std::atomic<quint64> unreadFramesMerged{0}; // unread frames not sent: unchanged or coalesced
    std::atomic<quint64> adminSlowConsumerCloses{0};
    std::atomic<quint64> logLinesSuppressed{0}; // rate-limited log lines of refused requests
    std::atomic<quint64> configReloadsApplied{0}; // SIGHUP or admin reload with a valid file
    std::atomic<quint64> configReloadsInvalid{0}; // ... whose file was refused: nothing changed
    // From trusted proxies (README "Behind a proxy or load balancer").
    std::atomic<quint64> proxyHeaderErrors{0}; // missing or malformed PROXY headers: closed
    std::atomic<quint64> forwardedHeaderErrors{0}; // malformed Forwarded / X-Forwarded-For: ignored

    qint64 uptimeMs() const { return m_uptime.elapsed(); }
    QJsonObject toJson(const SessionDirectory &directory) const;

private:
    QElapsedTimer m_uptime;
};

} // namespace Herald
