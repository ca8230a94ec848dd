#pragma once

#include <QElapsedTimer>
#include <QMutex>
#include <QString>

namespace Herald {

//! Rate limit for log lines an outsider can cause (refused requests): at most
//! \a perSecond lines pass in any one-second window. Thread-safe.
//!
//!     if (const auto pass = limiter.admit())
//!         qCInfo(lc) << "refused ..." << pass.suppressedNote();
class LogLimiter
{
public:
    struct Pass
    {
        bool allowed = false;
        quint64 suppressed = 0; //!< lines held back since the last one that passed
        explicit operator bool() const { return allowed; }
        //! "" or " (N similar lines suppressed)", to end the line that passes.
        QString suppressedNote() const;
    };

    explicit LogLimiter(int perSecond = 20);

    Pass admit();
    quint64 totalSuppressed() const;

private:
    mutable QMutex m_mutex;
    QElapsedTimer m_window;
    int m_perSecond;
    int m_inWindow = 0;
    quint64 m_suppressed = 0;
    quint64 m_totalSuppressed = 0;
};

} // namespace Herald
