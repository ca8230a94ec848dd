#include "memorytokenstore.h"

#include <QCoreApplication>
#include <QTimer>

namespace Herald {

void MemoryTokenStore::read(const QString &profile)
{
    QTimer::singleShot(0, this, [this, profile] { Q_EMIT tokenRead(profile, token(profile)); });
}

void MemoryTokenStore::write(const QString &profile, const QByteArray &token)
{
    setToken(profile, token);
    QTimer::singleShot(0, this, [this, profile] {
        Q_EMIT tokenWritten(profile, false,
                            QCoreApplication::translate("Herald::MemoryTokenStore",
                                                        "no keyring: the token is kept in memory "
                                                        "until the console quits"));
    });
}

void MemoryTokenStore::remove(const QString &profile)
{
    m_tokens.remove(profile);
}

void MemoryTokenStore::setToken(const QString &profile, const QByteArray &token)
{
    if (token.isEmpty())
        m_tokens.remove(profile);
    else
        m_tokens.insert(profile, token);
}

} // namespace Herald
