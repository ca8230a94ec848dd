#pragma once

#include "tokenstore.h"

#include <QHash>

namespace Herald {

// Tokens for this run only, in memory. Answers are queued, like a keyring's.
class MemoryTokenStore : public TokenStore
{
    Q_OBJECT

public:
    using TokenStore::TokenStore;

    bool isPersistent() const override { return false; }
    void read(const QString &profile) override;
    void write(const QString &profile, const QByteArray &token) override;
    void remove(const QString &profile) override;

    // Synchronous access for stores that fall back to memory.
    QByteArray token(const QString &profile) const { return m_tokens.value(profile); }
    void setToken(const QString &profile, const QByteArray &token);

private:
    QHash<QString, QByteArray> m_tokens;
};

} // namespace Herald
