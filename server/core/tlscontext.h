#pragma once

#include <QMutex>
#include <QSslConfiguration>

namespace Herald {

// The certificate and key one TLS listener presents, behind a lock: threads
// that start server handshakes read it while a reload may replace it, and a
// new handshake uses the newest one.
class TlsContext
{
public:
    QSslConfiguration configuration() const;
    void setConfiguration(const QSslConfiguration &configuration);

private:
    mutable QMutex m_mutex;
    QSslConfiguration m_configuration;
};

} // namespace Herald
