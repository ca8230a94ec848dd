#pragma once

#include "config/originpolicy.h"
#include "resumepoint.h"
#include "ws/handshakerequest.h"

#include "tokenverifier.h"

#include <QByteArray>
#include <QString>

#include <atomic>
#include <memory>

namespace Herald {

// What the public listener does with a request head, decided before any
// WebSocket handshake so a refused client sees a real HTTP status and a JSON
// reason instead of a socket that opens and closes.
struct GateDecision
{
    bool upgrade = false; // true: hand the connection to the user's worker
    QString user;
    std::optional<ResumePoint> resume;
    qint64 tokenExpiresAtMs = 0; // the token's exp, ms since the epoch; 0: none (legacy route)
    QString tokenKey; // "sid:<sid>", else "jti:<jti>", else empty (max_sessions_per_token)
    int status = 200; // the answer when !upgrade
    QByteArray contentType;
    QByteArray body;
    QByteArray cacheControl = "no-store";
    bool crossOrigin = false; // Access-Control-Allow-Origin: * (ES module imports)
    QString code; // the error code of a refusal, for the log
    bool originRefused = false; // 403 origin_not_allowed, counted apart from other refusals

    // The whole HTTP/1.1 answer of a decision that is not an upgrade, with
    // "Connection: close".
    QByteArray httpResponse() const;
};

// decide() may run in several threads at once, and reconfigure() in any thread meanwhile:
// the verifier and the origins are one immutable value, swapped whole, and each decision
// reads one of them from start to end.
class HandshakeGate
{
public:
    // Keeps a copy of \a verifier.
    HandshakeGate(const TokenVerifier &verifier, bool legacyRoutes, OriginPolicy origins = {});

    // A reload: the requests decided from now on use \a verifier (its secrets) and \a origins.
    void reconfigure(const TokenVerifier &verifier, OriginPolicy origins);

    // Routes: GET /healthz; GET /herald.js and /herald.mjs (the browser client); GET
    // /ws?token=<JWT> (or Authorization: Bearer)
    // [&since=<seq>&epoch=<epoch>, both or neither];
    // GET /client?user_id= when legacy routes are on. Anything else is answered
    // with the matching error (404, 405, 403 origin_not_allowed, 426, 401 with the
    // token's reason). The origin check covers the WebSocket routes only, upgrade or
    // not, and lets a request without an Origin header through: browsers always send
    // one there, and for other clients the token is the authentication.
    GateDecision decide(const HandshakeRequest &request) const;

    static GateDecision error(int status, const QString &code, const QString &message);

private:
    struct Rules
    {
        TokenVerifier verifier;
        OriginPolicy origins;
    };

    GateDecision authenticate(const HandshakeRequest &request, const Rules &rules) const;
    static std::optional<GateDecision> checkOrigin(const HandshakeRequest &request,
                                                   const Rules &rules);
    GateDecision legacyClient(const HandshakeRequest &request) const;
    // Reads ?since=&epoch=; returns an error decision when they are malformed.
    static std::optional<GateDecision> readResume(const HandshakeRequest &request,
                                                  GateDecision &decision);

    std::atomic<std::shared_ptr<const Rules>> m_rules;
    bool m_legacyRoutes;
    QHash<QString, GateDecision> m_files; // path -> the answer serving it
};

} // namespace Herald
