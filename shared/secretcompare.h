#pragma once

#include <QByteArray>

namespace Herald {

/*!
    True when \a given equals \a expected, in time that depends on neither
    their contents nor their lengths (both are reduced to HMAC-SHA256 digests
    first). For API keys, admin tokens and token signatures.
*/
bool secretsEqual(const QByteArray &given, const QByteArray &expected);

} // namespace Herald
