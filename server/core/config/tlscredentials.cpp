#include "config/tlscredentials.h"

#include <QFile>
#include <QSslKey>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

std::optional<QByteArray> readFile(const QString &path, QString *error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        *error = u"cannot read %1: %2"_s.arg(path, file.errorString());
        return std::nullopt;
    }
    return file.readAll();
}

} // namespace

std::optional<QSslConfiguration> TlsCredentials::load(const QString &certificateFile,
                                                      const QString &keyFile, QString *error)
{
    const std::optional<QByteArray> certificatePem = readFile(certificateFile, error);
    if (!certificatePem)
        return std::nullopt;
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificatePem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull()) {
        *error = u"%1 holds no PEM certificate"_s.arg(certificateFile);
        return std::nullopt;
    }
    const std::optional<QByteArray> keyPem = readFile(keyFile, error);
    if (!keyPem)
        return std::nullopt;
    QSslKey key(*keyPem, QSsl::Rsa, QSsl::Pem);
    if (key.isNull())
        key = QSslKey(*keyPem, QSsl::Ec, QSsl::Pem);
    if (key.isNull()) {
        *error = u"%1 holds no unencrypted PEM RSA or EC private key"_s.arg(keyFile);
        return std::nullopt;
    }
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate by token
    // Qt builds an OpenSSL context per connection and loads these CAs into it:
    // the system's hundred-odd would cost more than the handshake itself.
    configuration.setCaCertificates({});
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    return configuration;
}

} // namespace Herald
