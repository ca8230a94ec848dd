#include "tokensigner.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>

#include <utility>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

// JWS (RFC 7515) mandates base64url with the trailing '=' padding removed.
QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray compactJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

TokenSigner::TokenSigner(QByteArray secret) : m_secret(std::move(secret))
{ }

QByteArray TokenSigner::sign(const QString &user, const QDateTime &expires,
                             const QDateTime &issuedAt) const
{
    const QJsonObject header{{u"alg"_s, u"HS256"_s}, {u"typ"_s, u"JWT"_s}};
    // NumericDate is whole seconds here: what every JWT library emits.
    const QJsonObject payload{
        {u"sub"_s, user},
        {u"exp"_s, expires.toSecsSinceEpoch()},
        {u"iat"_s, issuedAt.toSecsSinceEpoch()},
    };
    return signRaw(compactJson(header), compactJson(payload));
}

QByteArray TokenSigner::signRaw(const QByteArray &headerJson, const QByteArray &payloadJson) const
{
    const QByteArray signingInput = base64Url(headerJson) + '.' + base64Url(payloadJson);
    const QByteArray signature
        = QMessageAuthenticationCode::hash(signingInput, m_secret, QCryptographicHash::Sha256);
    return signingInput + '.' + base64Url(signature);
}

} // namespace Herald
