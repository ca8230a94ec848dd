#include "peertarget.h"

#include "pushplan.h"
#include "tokensigner.h"

#include <QDateTime>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

PeerTarget::PeerTarget(Kind kind, QUrl wsBase, QUrl apiBase, QByteArray secret, QByteArray apiKey)
    : m_kind(kind),
      m_wsBase(std::move(wsBase)),
      m_apiBase(std::move(apiBase)),
      m_secret(std::move(secret)),
      m_apiKey(std::move(apiKey))
{ }

std::optional<PeerTarget::Kind> PeerTarget::kindFromName(const QString &name)
{
    for (Kind kind : {Kind::Herald, Kind::NodeWs, Kind::Nchan}) {
        if (name == PeerTarget::name(kind))
            return kind;
    }
    return std::nullopt;
}

QString PeerTarget::name(Kind kind)
{
    switch (kind) {
    case Kind::Herald:
        return u"herald"_s;
    case Kind::NodeWs:
        return u"node-ws"_s;
    case Kind::Nchan:
        return u"nchan"_s;
    }
    return {};
}

QUrl PeerTarget::sessionUrl(int user) const
{
    const QString id = PushPlan::userId(user);
    QUrl url = m_wsBase;
    QUrlQuery query;
    switch (m_kind) {
    case Kind::Herald: {
        const QDateTime expires = QDateTime::currentDateTimeUtc().addSecs(3600);
        url.setPath(u"/ws"_s);
        query.addQueryItem(u"token"_s,
                           QString::fromLatin1(TokenSigner(m_secret).sign(id, expires)));
        break;
    }
    case Kind::NodeWs:
        url.setPath(u"/client"_s);
        query.addQueryItem(u"user_id"_s, id);
        break;
    case Kind::Nchan:
        url.setPath(u"/sub/"_s + id);
        break;
    }
    url.setQuery(query);
    return url;
}

QString PeerTarget::pushPath(int user) const
{
    switch (m_kind) {
    case Kind::Herald:
        return u"/api/v1/notify"_s;
    case Kind::NodeWs:
        return u"/new/"_s + PushPlan::userId(user);
    case Kind::Nchan:
        return u"/pub/"_s + PushPlan::userId(user);
    }
    return {};
}

QNetworkRequest PeerTarget::pushRequest(int user) const
{
    QUrl url = m_apiBase;
    url.setPath(pushPath(user));
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    if (m_kind == Kind::Herald)
        request.setRawHeader("Authorization", "Bearer " + m_apiKey);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    return request;
}

QByteArray PeerTarget::pushHead(int user) const
{
    return head(pushPath(user));
}

QByteArray PeerTarget::broadcastHead() const
{
    switch (m_kind) {
    case Kind::Herald:
        return head(u"/api/v1/broadcast"_s);
    case Kind::NodeWs:
        return head(u"/broadcast"_s);
    case Kind::Nchan:
        return head(u"/pub/all"_s);
    }
    return {};
}

QByteArray PeerTarget::broadcastBody(const QByteArray &payload) const
{
    return m_kind == Kind::Herald ? R"({"event":"bench","data":)" + payload + '}' : payload;
}

QByteArray PeerTarget::head(const QString &path) const
{
    QByteArray head = "POST " + path.toUtf8() + " HTTP/1.1\r\nHost: " + m_apiBase.host().toUtf8()
        + ':' + QByteArray::number(m_apiBase.port(80)) + "\r\nContent-Type: application/json\r\n";
    if (m_kind == Kind::Herald)
        head += "Authorization: Bearer " + m_apiKey + "\r\n";
    return head;
}

QByteArray PeerTarget::pushBody(int user, const QByteArray &payload) const
{
    if (m_kind != Kind::Herald)
        return payload;
    return R"({"event":"bench","users":[")" + PushPlan::userId(user).toUtf8() + R"("],"data":)"
        + payload + '}';
}

} // namespace Herald
