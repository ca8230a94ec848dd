#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QUrlQuery>

#include <optional>
#include <utility>

namespace Herald {

// The head of an HTTP/1.1 request as the public listener sees it before any
// WebSocket handshake: request line and headers, nothing of a body.
struct HandshakeRequest
{
    QByteArray method;
    QString path; // percent-decoded
    QUrlQuery query;
    QHash<QByteArray, QByteArray> headers; // names lower-cased; last value wins
    QList<std::pair<QByteArray, QByteArray>> lines; // every header line in order, as above

    QByteArray header(const QByteArray &lowerName) const { return headers.value(lowerName); }
    // Every line of the header, joined by commas in order (a list header sent as several
    // lines, such as X-Forwarded-For from proxies that add a line each); empty: none.
    QByteArray joinedHeader(const QByteArray &lowerName) const;
    bool isWebSocketUpgrade() const;

    // Returns the request when \a head (everything up to and including the
    // blank line) is a well-formed HTTP/1.x request head; nullopt otherwise.
    static std::optional<HandshakeRequest> parse(const QByteArray &head);
    // Offset just past the "\r\n\r\n" ending the head in \a buffer, or -1.
    static qsizetype headLength(const QByteArray &buffer);
};

} // namespace Herald
