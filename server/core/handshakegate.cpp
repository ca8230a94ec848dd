#include "handshakegate.h"

#include "apierror.h"
#include "tokenverifier.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <variant>

using namespace Qt::Literals::StringLiterals;

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

HandshakeGate::HandshakeGate(const TokenVerifier &verifier, bool legacyRoutes)
    : m_verifier(verifier), m_legacyRoutes(legacyRoutes)
{ }

GateDecision HandshakeGate::error(int status, const QString &code, const QString &message)
{
    return {false, {}, status, "application/json", ApiError {status, code, message}.toBody()};
}

GateDecision HandshakeGate::decide(const HandshakeRequest &request) const
{
    const bool known = request.path == u"/healthz"_s || request.path == u"/ws"_s
        || (m_legacyRoutes && request.path == u"/client"_s);
    if (!known)
        return error(404, u"not_found"_s, u"No route for %1"_s.arg(request.path));
    if (request.method != "GET")
        return error(405, u"method_not_allowed"_s, u"%1 accepts only GET"_s.arg(request.path));
    if (request.path == u"/healthz"_s) {
        return {false,
                {},
                200,
                "application/json",
                QJsonDocument(QJsonObject {{u"status"_s, u"ok"_s}}).toJson(QJsonDocument::Compact)};
    }
    if (!request.isWebSocketUpgrade()) {
        return error(
            426, u"upgrade_required"_s,
            u"%1 is a WebSocket endpoint; send an Upgrade: websocket request"_s.arg(request.path));
    }
    return request.path == u"/ws"_s ? authenticate(request) : legacyClient(request);
}

GateDecision HandshakeGate::authenticate(const HandshakeRequest &request) const
{
    const TokenVerifier::Result result = m_verifier.verify(bearerToken(request, u"token"_s));
    if (const auto *failure = std::get_if<TokenError>(&result)) {
        return error(401, TokenVerifier::errorCode(*failure),
                     TokenVerifier::errorMessage(*failure));
    }
    GateDecision decision;
    decision.upgrade = true;
    decision.user = std::get<TokenClaims>(result).user;
    return decision;
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
    return decision;
}

} // namespace Herald
