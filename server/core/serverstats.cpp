#include "serverstats.h"

#include "ws/sessiondirectory.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QJsonObject ServerStats::toJson(const SessionDirectory &directory) const
{
    const auto number = [](const std::atomic<quint64> &value) {
        return double(value.load(std::memory_order_relaxed));
    };
    return {{u"sessions"_s, double(directory.sessionCount())},
            {u"users"_s, double(directory.userCount())},
            {u"notifications"_s, number(notifications)},
            {u"broadcasts"_s, number(broadcasts)},
            {u"frames_sent"_s, number(framesSent)},
            {u"bytes_sent"_s, number(bytesSent)},
            {u"sessions_opened"_s, number(sessionsOpened)},
            {u"sessions_closed"_s, number(sessionsClosed)},
            {u"heartbeat_reaps"_s, number(heartbeatReaps)},
            {u"rejected_handshakes"_s, number(rejectedHandshakes)},
            {u"origin_refusals"_s, number(originRefusals)},
            {u"stored_notifications"_s, number(storedNotifications)},
            {u"store_commits"_s, number(storeCommits)},
            {u"store_errors"_s, number(storeErrors)},
            {u"replica_shortfalls"_s, number(replicaShortfalls)},
            {u"client_frames"_s, number(clientFrames)},
            {u"broker_messages"_s, number(brokerMessages)},
            {u"broker_channels"_s, number(brokerChannels)},
            {u"api_bad_requests"_s, number(apiBadRequests)},
            {u"api_too_large"_s, number(apiTooLarge)},
            {u"api_timeouts"_s, number(apiTimeouts)},
            {u"api_slow_readers"_s, number(apiSlowReaders)},
            {u"slow_consumer_closes"_s, number(slowConsumerCloses)},
            {u"rate_limit_closes"_s, number(rateLimitCloses)},
            {u"protocol_error_closes"_s, number(protocolErrorCloses)},
            {u"sessions_refused_per_user"_s, number(userSessionRefusals)},
            {u"sessions_refused_per_token"_s, number(tokenSessionRefusals)},
            {u"sessions_refused_store_unavailable"_s, number(storeUnavailableCloses)},
            {u"seq_gap_closes"_s, number(seqGapCloses)},
            {u"token_expiry_closes"_s, number(tokenExpiryCloses)},
            {u"sessions_refused_server_full"_s, number(serverFullRefusals)},
            {u"handshakes_refused"_s, number(handshakeLimitCloses)},
            {u"accept_pauses"_s, number(acceptPauses)},
            {u"unread_frames_merged"_s, number(unreadFramesMerged)},
            {u"admin_slow_consumer_closes"_s, number(adminSlowConsumerCloses)},
            {u"log_lines_suppressed"_s, number(logLinesSuppressed)},
            {u"proxy_header_errors"_s, number(proxyHeaderErrors)},
            {u"forwarded_header_errors"_s, number(forwardedHeaderErrors)},
            {u"uptime_s"_s, double(uptimeMs() / 1000)}};
}

} // namespace Herald
