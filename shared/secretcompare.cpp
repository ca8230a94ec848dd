#include "secretcompare.h"

#include <QMessageAuthenticationCode>

namespace Herald {

bool secretsEqual(const QByteArray &given, const QByteArray &expected)
{
    // Equal-length digests: the loop below never leaks the secret's length.
    const QByteArray key = QByteArrayLiteral("herald-compare");
    const QByteArray a = QMessageAuthenticationCode::hash(given, key, QCryptographicHash::Sha256);
    const QByteArray b
        = QMessageAuthenticationCode::hash(expected, key, QCryptographicHash::Sha256);
    unsigned char difference = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        difference |= static_cast<unsigned char>(a[i] ^ b[i]);
    return difference == 0;
}

} // namespace Herald
