#pragma once

#include <QtGlobal>

namespace Herald::TlsRecord {

enum class Start { NotYet, Closed, Handshake, Other };

// What an accepted connection starts with, peeked without reading it (a TLS
// ClientHello must reach QSslSocket whole): a TLS handshake record (type 22),
// anything else (plain HTTP on a TLS port), nothing yet, or the end.
Start peek(qintptr descriptor);

} // namespace Herald::TlsRecord
