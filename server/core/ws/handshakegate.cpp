#include "ws/handshakegate.h"

#include "apierror.h"
#include "httpanswer.h"
#include "logtext.h"
#include "tokenverifier.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>

#include <variant>

using namespace Qt::Literals::StringLiterals;

// Q_INIT_RESOURCE must be used outside a namespace; the resource lives in a
// static library, whose initializer the linker would otherwise drop.
static void initBrowserClientResource()
{
    Q_INIT_RESOURCE(browser_client);
}

namespace Herald {

namespace {

QByteArray bearerToken(const HandshakeRequest &request, const QString &queryName)
{
    const QString fromQuery = request.query.queryItemValue(queryName, QUrl::FullyDecoded);
    if (!fromQuery.isEmpty())
        return fromQuery.toUtf8();
    const QByteArray authorization = request.header("authorization");
    if (authorization.startsWith("Bearer "))
        return authorization.mid(7).trimmed();
    return {};
}

} // namespace

HandshakeGate::HandshakeGate(const TokenVerifier &verifier, bool legacyRoutes, OriginPolicy origins)
    : m_rules(std::make_shared<const Rules>(Rules{verifier, std::move(origins)})),
      m_legacyRoutes(legacyRoutes)
{
    // The browser client, compiled in (resources/js), so a page needs nothing else.
    initBrowserClientResource();
    for (const QString &name : {u"herald.js"_s, u"herald.mjs"_s}) {
        QFile file(u":/herald/"_s + name);
        if (!file.open(QIODevice::ReadOnly))
            continue;
        GateDecision answer;
        answer.contentType = "text/javascript; charset=utf-8";
        answer.body = file.readAll();
        answer.cacheControl = "public, max-age=300";
        answer.crossOrigin = true;
        m_files.insert(u"/"_s + name, answer);
    }
}

QByteArray GateDecision::httpResponse() const
{
    QByteArray response = "HTTP/1.1 " + QByteArray::number(status) + ' '
        + HttpAnswer::reasonPhrase(status) + "\r\nContent-Type: " + contentType
        + "\r\nContent-Length: " + QByteArray::number(body.size())
        + "\r\nCache-Control: " + cacheControl + "\r\nConnection: close\r\n";
    if (crossOrigin)
        response += "Access-Control-Allow-Origin: *\r\n";
    if (status == 426)
        response += "Upgrade: websocket\r\n";
    return response + "\r\n" + body;
}

void HandshakeGate::reconfigure(const TokenVerifier &verifier, OriginPolicy origins)
{
    m_rules.store(std::make_shared<const Rules>(Rules{verifier, std::move(origins)}));
}

GateDecision HandshakeGate::error(int status, const QString &code, const QString &message)
{
    GateDecision decision;
    decision.status = status;
    decision.contentType = "application/json";
    decision.body = ApiError{status, code, message}.toBody();
    decision.code = code;
    return decision;
}

GateDecision HandshakeGate::decide(const HandshakeRequest &request) const
{
    const bool known = request.path == u"/healthz"_s || request.path == u"/ws"_s
        || m_files.contains(request.path) || (m_legacyRoutes && request.path == u"/client"_s);
    if (!known)
        return error(404, u"not_found"_s, u"No route for %1"_s.arg(request.path));
    if (request.method != "GET")
        return error(405, u"method_not_allowed"_s, u"%1 accepts only GET"_s.arg(request.path));
    if (const auto file = m_files.constFind(request.path); file != m_files.cend())
        return *file;
    if (request.path == u"/healthz"_s) {
        GateDecision health;
        health.contentType = "application/json";
        health.body
            = QJsonDocument(QJsonObject{{u"status"_s, u"ok"_s}}).toJson(QJsonDocument::Compact);
        return health;
    }
    const std::shared_ptr<const Rules> rules = m_rules.load();
    if (auto refusal = checkOrigin(request, *rules))
        return *refusal;
    if (!request.isWebSocketUpgrade()) {
        return error(
            426, u"upgrade_required"_s,
            u"%1 is a WebSocket endpoint; send an Upgrade: websocket request"_s.arg(request.path));
    }
    return request.path == u"/ws"_s ? authenticate(request, *rules) : legacyClient(request);
}

GateDecision HandshakeGate::authenticate(const HandshakeRequest &request, const Rules &rules) const
{
    const TokenVerifier::Result result = rules.verifier.verify(bearerToken(request, u"token"_s));
    if (const auto *failure = std::get_if<TokenError>(&result)) {
        return error(401, TokenVerifier::errorCode(*failure),
                     TokenVerifier::errorMessage(*failure));
    }
    const auto &claims = std::get<TokenClaims>(result);
    GateDecision decision;
    decision.upgrade = true;
    decision.user = claims.user;
    decision.tokenExpiresAtMs = claims.expires.toMSecsSinceEpoch();
    if (!claims.sessionId.isEmpty())
        decision.tokenKey = u"sid:"_s + claims.sessionId;
    else if (!claims.tokenId.isEmpty())
        decision.tokenKey = u"jti:"_s + claims.tokenId;
    if (auto refusal = readResume(request, decision))
        return *refusal;
    return decision;
}

std::optional<GateDecision> HandshakeGate::checkOrigin(const HandshakeRequest &request,
                                                       const Rules &rules)
{
    const auto origin = request.headers.constFind("origin");
    if (origin == request.headers.cend() || rules.origins.allows(*origin))
        return std::nullopt;
    GateDecision refusal = error(403, u"origin_not_allowed"_s,
                                 u"Pages of origin %1 may not open %2 (allowed_origins)"_s.arg(
                                     LogText::escaped(QByteArrayView(*origin), 100), request.path));
    refusal.originRefused = true;
    return refusal;
}

GateDecision HandshakeGate::legacyClient(const HandshakeRequest &request) const
{
    const QString user = request.query.queryItemValue(u"user_id"_s, QUrl::FullyDecoded);
    if (user.isEmpty() || user.size() > 256) {
        return error(400, u"invalid_field"_s,
                     u"Field 'user_id' must be a non-empty query parameter"_s);
    }
    GateDecision decision;
    decision.upgrade = true;
    decision.user = user;
    if (auto refusal = readResume(request, decision))
        return *refusal;
    return decision;
}

std::optional<GateDecision> HandshakeGate::readResume(const HandshakeRequest &request,
                                                      GateDecision &decision)
{
    const bool hasSince = request.query.hasQueryItem(u"since"_s);
    const bool hasEpoch = request.query.hasQueryItem(u"epoch"_s);
    if (!hasSince && !hasEpoch)
        return std::nullopt;
    if (hasSince != hasEpoch) {
        return error(400, u"invalid_field"_s,
                     u"Field '%1' is required with '%2'"_s.arg(hasSince ? u"epoch"_s : u"since"_s,
                                                               hasSince ? u"since"_s : u"epoch"_s));
    }
    bool ok = false;
    const qint64 since = request.query.queryItemValue(u"since"_s).toLongLong(&ok);
    if (!ok || since < 0)
        return error(400, u"invalid_field"_s, u"Field 'since' must be a whole number >= 0"_s);
    decision.resume
        = ResumePoint{since, request.query.queryItemValue(u"epoch"_s, QUrl::FullyDecoded)};
    return std::nullopt;
}

} // namespace Herald
