#include "loglimiter.h"

#include <QString>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

QString LogLimiter::Pass::suppressedNote() const
{
    return suppressed == 0 ? QString()
                           : u" (%1 similar lines suppressed)"_s.arg(QString::number(suppressed));
}

LogLimiter::LogLimiter(int perSecond) : m_perSecond(perSecond)
{
    m_window.start();
}

LogLimiter::Pass LogLimiter::admit()
{
    QMutexLocker lock(&m_mutex);
    if (m_window.elapsed() >= 1000) {
        m_window.restart();
        m_inWindow = 0;
    }
    if (m_inWindow >= m_perSecond) {
        ++m_suppressed;
        ++m_totalSuppressed;
        return {};
    }
    ++m_inWindow;
    Pass pass{true, m_suppressed};
    m_suppressed = 0;
    return pass;
}

quint64 LogLimiter::totalSuppressed() const
{
    QMutexLocker lock(&m_mutex);
    return m_totalSuppressed;
}

} // namespace Herald
