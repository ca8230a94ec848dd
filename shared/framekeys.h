#pragma once

#include <QLatin1StringView>

/*!
 * \file framekeys.h
 * The browser protocol's frame types and field names (README, "WebSocket
 * protocol"), in one place: the server's encoders (Frames, Notification), the
 * decoders (ClientFrame, ServerFrame) and the tests spell them only here.
 */

namespace Herald {

//! The values of a browser frame's "type".
namespace FrameType {
// server -> browser
inline constexpr QLatin1StringView Welcome{"welcome"};
inline constexpr QLatin1StringView Notification{"notification"};
inline constexpr QLatin1StringView Resumed{"resumed"};
inline constexpr QLatin1StringView Unread{"unread"};
inline constexpr QLatin1StringView Error{"error"};
inline constexpr QLatin1StringView Pong{"pong"};
// browser -> server
inline constexpr QLatin1StringView Read{"read"};
inline constexpr QLatin1StringView Ping{"ping"};
} // namespace FrameType

//! Field names.
namespace FrameKey {
inline constexpr QLatin1StringView Type{"type"};
// welcome
inline constexpr QLatin1StringView Session{"session"};
inline constexpr QLatin1StringView User{"user"};
inline constexpr QLatin1StringView HeartbeatSeconds{"heartbeat_s"};
inline constexpr QLatin1StringView Seq{"seq"};
inline constexpr QLatin1StringView Epoch{"epoch"};
inline constexpr QLatin1StringView Unread{"unread"};
inline constexpr QLatin1StringView ReadUpTo{"read_up_to"};
// notification ("seq" as above)
inline constexpr QLatin1StringView Id{"id"};
inline constexpr QLatin1StringView Event{"event"};
inline constexpr QLatin1StringView Data{"data"};
inline constexpr QLatin1StringView Timestamp{"ts"};
// resumed ("seq", "epoch" as above)
inline constexpr QLatin1StringView Ok{"ok"};
// unread ("read_up_to" as above)
inline constexpr QLatin1StringView Count{"count"};
// error
inline constexpr QLatin1StringView Code{"code"};
inline constexpr QLatin1StringView Message{"message"};
// read
inline constexpr QLatin1StringView UpTo{"up_to"};
} // namespace FrameKey

} // namespace Herald
