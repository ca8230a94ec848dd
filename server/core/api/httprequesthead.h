#pragma once

#include "apierror.h"

#include <QByteArray>
#include <QList>
#include <QString>

#include <variant>

namespace Herald {

// The head of one HTTP/1.x request on the push API, parsed strictly (RFC 9112)
// so that Herald and any proxy in front of it cannot disagree on where a
// request ends (request smuggling). parse() refuses, with the status to answer:
//  - a request line that is not "METHOD SP origin-form SP HTTP/1.x": 400, or
//    505 for another HTTP version;
//  - bare LF line ends, header lines without a colon, whitespace before the
//    colon, obsolete line folding, control characters: 400;
//  - HTTP/1.1 without exactly one Host: 400;
//  - Content-Length that is not one run of digits, repeated, or with
//    Transfer-Encoding: 400; Transfer-Encoding alone: 411 (bodies need a length);
//  - a Content-Length over the body limit: 413; an Expect other than 100-continue: 417.
struct HttpRequestHead
{
    QByteArray method;
    QByteArray target; // as sent, still percent-encoded
    QList<std::pair<QByteArray, QByteArray>> headers; // names lower-cased, values trimmed
    bool http11 = false; // else HTTP/1.0
    qint64 contentLength = 0;
    bool expectContinue = false;

    QByteArray header(const QByteArray &lowerName) const;
    // The target's path, percent-decoded, without the query.
    QString path() const;
    // Whether a header's comma-separated value holds \a token, in any case.
    bool headerHasToken(const QByteArray &lowerName, QByteArrayView token) const;
    // Asks to switch protocols (an Upgrade header, or "upgrade" in Connection).
    bool asksForUpgrade() const;

    // \a head: everything up to and including the blank line ("\r\n\r\n").
    static std::variant<HttpRequestHead, ApiError> parse(QByteArrayView head, qint64 maxBodyBytes);
};

} // namespace Herald
