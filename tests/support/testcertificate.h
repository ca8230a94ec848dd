#pragma once

#include <QSslConfiguration>
#include <QString>
#include <QTemporaryDir>

namespace Herald::Test {

// A self-signed certificate for localhost and 127.0.0.1, made at test time
// with openssl req (EC P-256, valid two days), and the client side that
// trusts exactly it.
class TestCertificate
{
public:
    TestCertificate();

    bool isValid() const { return m_valid; }
    QString certificateFile() const { return m_dir.filePath(QStringLiteral("cert.pem")); }
    QString keyFile() const { return m_dir.filePath(QStringLiteral("key.pem")); }
    // What openssl printed when it failed.
    QString errorString() const { return m_error; }

    // Verifies the server against this certificate only.
    QSslConfiguration clientConfiguration() const;

private:
    QTemporaryDir m_dir;
    bool m_valid = false;
    QString m_error;
};

} // namespace Herald::Test
