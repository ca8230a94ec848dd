#pragma once

#include <QByteArray>
#include <QNetworkRequest>
#include <QString>
#include <QUrl>

#include <optional>

namespace Herald {

// Which server herald-bench talks to in the compare scenario, and how: the URL a
// session for user i opens, and the HTTP request that pushes a body to user i.
// Herald signs a token per session and wraps the body in a notify call; the
// original Node design (node-ws) and nginx + Nchan take the body as it is.
class PeerTarget
{
public:
    enum class Kind { Herald, NodeWs, Nchan };

    // wsBase and apiBase are the scheme, host and port (any path is replaced).
    PeerTarget(Kind kind, QUrl wsBase, QUrl apiBase, QByteArray secret, QByteArray apiKey);

    static std::optional<Kind> kindFromName(const QString &name); // nullopt if unknown
    static QString name(Kind kind);

    Kind kind() const { return m_kind; }
    QUrl sessionUrl(int user) const;
    QNetworkRequest pushRequest(int user) const;
    // The same request as an HTTP/1.1 head for RawPusher, without Content-Length.
    QByteArray pushHead(int user) const;
    QByteArray pushBody(int user, const QByteArray &payload) const; // payload: a JSON object
    // A push to every session: herald's broadcast call, node-ws's /broadcast, and
    // Nchan's channel "all" that every subscriber also listens on.
    QByteArray broadcastHead() const;
    QByteArray broadcastBody(const QByteArray &payload) const;

private:
    QString pushPath(int user) const;
    QByteArray head(const QString &path) const;

    Kind m_kind;
    QUrl m_wsBase;
    QUrl m_apiBase;
    QByteArray m_secret;
    QByteArray m_apiKey;
};

} // namespace Herald
