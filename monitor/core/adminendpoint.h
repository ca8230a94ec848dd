#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

#include <optional>

namespace Herald {

// Where the admin channel is: the server's push API URL (the channel lives on
// the same listener, path /admin) and the admin token.
struct AdminEndpoint
{
    QUrl apiUrl;
    QByteArray token; // never logged, never written to settings

    // ws://host:port/admin for http://, wss:// for https://; empty for others.
    QUrl webSocketUrl() const;
    // http(s)://host:port/admin: what a plain GET is sent to after a failed upgrade.
    QUrl probeUrl() const;
    // "host:port" for the status bar.
    QString displayName() const;

    // Accepts "http(s)://host[:port][/]", "ws(s)://…" and a bare "host:port"
    // (taken as http). nullopt and *error set for anything else, including a
    // URL with a path other than "/" or "/admin".
    static std::optional<QUrl> parseApiUrl(const QString &text, QString *error = nullptr);
};

} // namespace Herald
