#include "tlscontext.h"

namespace Herald {

bool TlsContext::isEnabled() const
{
    QMutexLocker lock(&m_mutex);
    return m_enabled;
}

QSslConfiguration TlsContext::configuration() const
{
    QMutexLocker lock(&m_mutex);
    return m_configuration;
}

void TlsContext::setConfiguration(const QSslConfiguration &configuration)
{
    QMutexLocker lock(&m_mutex);
    m_configuration = configuration;
    m_enabled = true;
}

} // namespace Herald
