#include "api/httprequesthead.h"

#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

ApiError badRequest(const QString &message)
{
    return {400, u"bad_request"_s, message};
}

// RFC 9110 tchar: what a method or a field name may be made of.
bool isToken(QByteArrayView text)
{
    if (text.isEmpty())
        return false;
    for (char c : text) {
        const bool alnum
            = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
        if (!alnum && !QByteArrayView("!#$%&'*+-.^_`|~").contains(c))
            return false;
    }
    return true;
}

// Visible ASCII, obs-text and inner spaces or tabs: no CR, LF, NUL or other controls.
bool isFieldValue(QByteArrayView text)
{
    for (char c : text) {
        const auto u = uchar(c);
        if ((u < 0x20 && c != '\t') || u == 0x7f)
            return false;
    }
    return true;
}

bool hasToken(const QByteArray &value, QByteArrayView token)
{
    for (const QByteArray &part : value.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

std::optional<ApiError> parseRequestLine(QByteArrayView line, HttpRequestHead &head)
{
    const QList<QByteArray> parts = line.toByteArray().split(' ');
    if (parts.size() != 3 || !isToken(parts[0]) || parts[1].isEmpty())
        return badRequest(u"Malformed request line"_s);
    const QByteArray &version = parts[2];
    if (version.size() != 8 || !version.startsWith("HTTP/") || version[6] != '.'
        || !std::isdigit(uchar(version[5])) || !std::isdigit(uchar(version[7]))) {
        return badRequest(u"Malformed HTTP version"_s);
    }
    if (version != "HTTP/1.1" && version != "HTTP/1.0") {
        return ApiError{505, u"http_version_not_supported"_s,
                        u"Only HTTP/1.0 and HTTP/1.1 are spoken here"_s};
    }
    const bool asterisk = parts[1] == "*" && parts[0] == "OPTIONS";
    const bool absolute = parts[1].startsWith("http://") || parts[1].startsWith("https://");
    if (!parts[1].startsWith('/') && !asterisk && !absolute)
        return badRequest(u"The request target must be a path or an absolute URL"_s);
    for (char c : parts[1]) {
        if (uchar(c) <= 0x20 || uchar(c) == 0x7f)
            return badRequest(u"Control characters in the request target"_s);
    }
    head.method = parts[0];
    head.target = parts[1];
    head.http11 = version == "HTTP/1.1";
    return std::nullopt;
}

std::optional<ApiError> parseHeaderLine(QByteArrayView line, HttpRequestHead &head)
{
    if (line.startsWith(' ') || line.startsWith('\t'))
        return badRequest(u"Obsolete line folding in the headers"_s);
    const qsizetype colon = line.indexOf(':');
    if (colon < 0)
        return badRequest(u"A header line without a colon"_s);
    const QByteArrayView name = line.first(colon);
    if (!isToken(name))
        return badRequest(u"Malformed header name"_s);
    const QByteArrayView value = line.sliced(colon + 1);
    if (!isFieldValue(value))
        return badRequest(u"Control characters in a header value"_s);
    head.headers.append({name.toByteArray().toLower(), value.toByteArray().trimmed()});
    return std::nullopt;
}

std::optional<ApiError> checkFraming(HttpRequestHead &head, qint64 maxBodyBytes)
{
    qsizetype hosts = 0, lengths = 0;
    bool chunked = false;
    QByteArray length;
    for (const auto &[name, value] : std::as_const(head.headers)) {
        hosts += name == "host";
        if (name == "content-length") {
            ++lengths;
            length = value;
        }
        chunked = chunked || name == "transfer-encoding";
    }
    if (head.http11 && hosts != 1)
        return badRequest(u"HTTP/1.1 needs exactly one Host header"_s);
    if (chunked && lengths > 0)
        return badRequest(u"Transfer-Encoding together with Content-Length"_s);
    if (chunked) {
        return ApiError{411, u"length_required"_s,
                        u"Send the body with a Content-Length, not Transfer-Encoding"_s};
    }
    if (lengths > 1)
        return badRequest(u"More than one Content-Length"_s);
    if (lengths == 1) {
        const bool digits = !length.isEmpty() && length.size() <= 18
            && std::all_of(length.cbegin(), length.cend(),
                           [](char c) { return c >= '0' && c <= '9'; });
        if (!digits)
            return badRequest(u"Content-Length must be a whole number of bytes"_s);
        head.contentLength = length.toLongLong();
        if (head.contentLength > maxBodyBytes) {
            return ApiError{413, u"payload_too_large"_s,
                            u"Request body exceeds %1 bytes"_s.arg(maxBodyBytes)};
        }
    }
    const QByteArray expect = head.header("expect");
    if (!expect.isEmpty()) {
        if (expect.compare("100-continue", Qt::CaseInsensitive) != 0)
            return ApiError{417, u"expectation_failed"_s,
                            u"Only Expect: 100-continue is understood"_s};
        head.expectContinue = head.http11;
    }
    return std::nullopt;
}

} // namespace

QByteArray HttpRequestHead::header(const QByteArray &lowerName) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName)
            return value;
    }
    return {};
}

QString HttpRequestHead::path() const
{
    const qsizetype query = target.indexOf('?');
    return QUrl::fromPercentEncoding(query < 0 ? target : target.first(query));
}

bool HttpRequestHead::headerHasToken(const QByteArray &lowerName, QByteArrayView token) const
{
    for (const auto &[name, value] : headers) {
        if (name == lowerName && hasToken(value, token))
            return true;
    }
    return false;
}

bool HttpRequestHead::asksForUpgrade() const
{
    for (const auto &[name, value] : headers) {
        if (name == "upgrade" || (name == "connection" && hasToken(value, "upgrade")))
            return true;
    }
    return false;
}

std::variant<HttpRequestHead, ApiError> HttpRequestHead::parse(QByteArrayView bytes,
                                                               qint64 maxBodyBytes)
{
    if (!bytes.endsWith("\r\n\r\n"))
        return badRequest(u"The request head must end with an empty line"_s);
    HttpRequestHead head;
    qsizetype start = 0;
    bool first = true;
    while (start < bytes.size() - 2) { // the final "\r\n" is the empty line
        const qsizetype end = bytes.indexOf('\n', start);
        if (end <= start || bytes[end - 1] != '\r')
            return badRequest(u"Lines must end with CRLF"_s);
        const QByteArrayView line = bytes.sliced(start, end - 1 - start);
        if (line.contains('\r'))
            return badRequest(u"A bare CR in the request head"_s);
        const std::optional<ApiError> error
            = first ? parseRequestLine(line, head) : parseHeaderLine(line, head);
        if (error)
            return *error;
        first = false;
        start = end + 1;
    }
    if (first)
        return badRequest(u"Empty request"_s);
    if (auto error = checkFraming(head, maxBodyBytes))
        return *error;
    return head;
}

} // namespace Herald
