#include "ws/handshakerequest.h"

#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

bool hasToken(const QByteArray &headerValue, const QByteArray &token)
{
    for (const QByteArray &part : headerValue.split(',')) {
        if (part.trimmed().compare(token, Qt::CaseInsensitive) == 0)
            return true;
    }
    return false;
}

} // namespace

bool HandshakeRequest::isWebSocketUpgrade() const
{
    return hasToken(header("upgrade"), "websocket") && hasToken(header("connection"), "upgrade");
}

QByteArray HandshakeRequest::joinedHeader(const QByteArray &lowerName) const
{
    QByteArray joined;
    for (const auto &[name, value] : lines) {
        if (name == lowerName)
            joined += (joined.isEmpty() ? QByteArray() : QByteArrayLiteral(", ")) + value;
    }
    return joined;
}

qsizetype HandshakeRequest::headLength(const QByteArray &buffer)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    return end < 0 ? -1 : end + 4;
}

std::optional<HandshakeRequest> HandshakeRequest::parse(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
    if (requestLine.size() != 3 || !requestLine[2].startsWith("HTTP/1."))
        return std::nullopt;
    const QByteArray target = requestLine[1];
    if (!target.startsWith('/'))
        return std::nullopt;

    HandshakeRequest request;
    request.method = requestLine[0];
    const qsizetype question = target.indexOf('?');
    request.path = QUrl::fromPercentEncoding(target.left(question < 0 ? target.size() : question));
    if (question >= 0)
        request.query.setQuery(QString::fromUtf8(target.mid(question + 1)));
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        if (line.isEmpty())
            break;
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return std::nullopt;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        request.headers.insert(name, value);
        request.lines.append({name, value});
    }
    return request;
}

} // namespace Herald
