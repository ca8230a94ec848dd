#include "tlscontext.h"

namespace Herald {

QSslConfiguration TlsContext::configuration() const
{
    QMutexLocker lock(&m_mutex);
    return m_configuration;
}

void TlsContext::setConfiguration(const QSslConfiguration &configuration)
{
    QMutexLocker lock(&m_mutex);
    m_configuration = configuration;
}

} // namespace Herald
