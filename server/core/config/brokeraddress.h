#pragma once

#include <QByteArray>
#include <QString>

#include <optional>

namespace Herald {

// Where the Redis broker of a cluster is (--broker redis://[:password@]host:port[/db]).
// It lives in config/ because the URL is checked when the config is read; broker/ connects
// to it. The password is a secret: display() never shows it.
struct BrokerAddress
{
    QString host;
    quint16 port = 6379;
    int db = 0;
    QByteArray password; // empty: no AUTH

    // Parses the URL. Returns nullopt and sets *error to what is wrong (scheme, host, port,
    // db), never quoting the password.
    static std::optional<BrokerAddress> parse(const QString &url, QString *error);

    // "redis://host:port/db", with ":***@" when a password is set.
    QString display() const;

    friend bool operator==(const BrokerAddress &, const BrokerAddress &) = default;
};

} // namespace Herald
