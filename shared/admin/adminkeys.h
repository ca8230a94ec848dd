#pragma once

#include <QLatin1StringView>
#include <QString>

#include <optional>

/*!
 * \file adminkeys.h
 * The admin channel's frame types and field names (docs/admin-protocol.md), in
 * one place: the server, herald-monitor and the tests spell them only here.
 */

namespace Herald {

//! The values of a frame's (or an event's) "type".
namespace AdminType {
inline constexpr QLatin1StringView Hello{"hello"};
inline constexpr QLatin1StringView Snapshot{"snapshot"};
inline constexpr QLatin1StringView Events{"events"};
inline constexpr QLatin1StringView Stats{"stats"};
inline constexpr QLatin1StringView SessionCounters{"session_counters"};
inline constexpr QLatin1StringView Result{"result"};
inline constexpr QLatin1StringView Error{"error"};
inline constexpr QLatin1StringView Command{"command"};
inline constexpr QLatin1StringView SessionOpened{"session_opened"};
inline constexpr QLatin1StringView SessionClosed{"session_closed"};
inline constexpr QLatin1StringView Notification{"notification"};
inline constexpr QLatin1StringView Overflow{"overflow"};
} // namespace AdminType

//! Field names.
namespace AdminKey {
inline constexpr QLatin1StringView Type{"type"};
// hello
inline constexpr QLatin1StringView Server{"server"};
inline constexpr QLatin1StringView Version{"version"};
inline constexpr QLatin1StringView Epoch{"epoch"};
inline constexpr QLatin1StringView HeartbeatSeconds{"heartbeat_s"};
inline constexpr QLatin1StringView Store{"store"};
// snapshot, session_counters, session objects
inline constexpr QLatin1StringView Sessions{"sessions"};
inline constexpr QLatin1StringView Total{"total"};
inline constexpr QLatin1StringView Done{"done"};
inline constexpr QLatin1StringView Id{"id"};
inline constexpr QLatin1StringView User{"user"};
inline constexpr QLatin1StringView RemoteAddress{"remote_address"};
inline constexpr QLatin1StringView UserAgent{"user_agent"};
inline constexpr QLatin1StringView ConnectedAt{"connected_at"};
inline constexpr QLatin1StringView FramesSent{"frames_sent"};
inline constexpr QLatin1StringView LastPongAt{"last_pong_at"};
inline constexpr QLatin1StringView Node{"node"}; // the cluster node holding a session
inline constexpr QLatin1StringView Nodes{"nodes"}; // stats: one object per node
// events
inline constexpr QLatin1StringView Events{"events"};
inline constexpr QLatin1StringView Session{"session"};
inline constexpr QLatin1StringView Code{"code"};
inline constexpr QLatin1StringView Reason{"reason"};
inline constexpr QLatin1StringView Event{"event"};
inline constexpr QLatin1StringView Users{"users"};
inline constexpr QLatin1StringView UserCount{"user_count"};
inline constexpr QLatin1StringView Broadcast{"broadcast"};
inline constexpr QLatin1StringView PayloadBytes{"payload_bytes"};
inline constexpr QLatin1StringView Stored{"stored"};
inline constexpr QLatin1StringView Dropped{"dropped"};
// stats ("sessions", "users", "frames_sent" as above)
inline constexpr QLatin1StringView PushesPerSecond{"pushes_per_s"};
inline constexpr QLatin1StringView FramesPerSecond{"frames_per_s"};
inline constexpr QLatin1StringView BytesPerSecond{"bytes_per_s"};
inline constexpr QLatin1StringView Notifications{"notifications"};
inline constexpr QLatin1StringView Broadcasts{"broadcasts"};
inline constexpr QLatin1StringView HeartbeatReaps{"heartbeat_reaps"};
inline constexpr QLatin1StringView RssBytes{"rss_bytes"};
inline constexpr QLatin1StringView UptimeSeconds{"uptime_s"};
inline constexpr QLatin1StringView Timestamp{"ts"};
// commands, results, errors ("id", "code" as above)
inline constexpr QLatin1StringView Command{"command"};
inline constexpr QLatin1StringView Ok{"ok"};
inline constexpr QLatin1StringView Result{"result"};
inline constexpr QLatin1StringView Error{"error"};
inline constexpr QLatin1StringView Message{"message"};
// the reload command's result
inline constexpr QLatin1StringView Applied{"applied"};
inline constexpr QLatin1StringView NeedsRestart{"needs_restart"};
} // namespace AdminKey

//! For the decoders: sets *\a error (when not null) to \a message and returns nullopt.
inline std::nullopt_t adminRefusal(QString *error, const QString &message)
{
    if (error)
        *error = message;
    return std::nullopt;
}

} // namespace Herald
