#pragma once

#include <QSslConfiguration>
#include <QString>

#include <optional>

namespace Herald {

// What a TLS listener presents, read from PEM files.
class TlsCredentials
{
public:
    // Reads a PEM certificate chain (the server's own first) and its PEM
    // private key (RSA or EC, unencrypted) into a server configuration: TLS
    // 1.2 or later, no client certificates. On failure returns nothing and
    // sets \a error to one line naming the file and what is wrong.
    static std::optional<QSslConfiguration> load(const QString &certificateFile,
                                                 const QString &keyFile, QString *error);
};

} // namespace Herald
