#pragma once

#include "memorytokenstore.h"
#include "tokenstore.h"

#include <functional>

namespace QKeychain {
class Job;
}

namespace Herald {

// Admin tokens in the desktop keyring (Secret Service, KWallet) via QtKeychain,
// under the service "herald-monitor", one entry per profile. QtKeychain's
// plain-text fallback stays off: when no keyring answers (an error, or nothing
// within TimeoutMs), tokens are kept in memory for this run, isPersistent()
// turns false and the keyring is not asked again.
class KeychainTokenStore : public TokenStore
{
    Q_OBJECT

public:
    static constexpr int TimeoutMs = 5000;

    explicit KeychainTokenStore(QObject *parent = nullptr);

    bool isPersistent() const override { return m_keyringWorks; }
    void read(const QString &profile) override;
    void write(const QString &profile, const QByteArray &token) override;
    void remove(const QString &profile) override;

private:
    // Starts \a job and calls \a done once: with the job's outcome, or with
    // OtherError when it does not finish in time (a job stuck without a glib
    // event loop, QT_NO_GLIB, or a keyring that never answers).
    void run(QKeychain::Job *job, std::function<void(int error, const QString &message)> done);
    void noteFailure(const QString &message);

    MemoryTokenStore m_memory;
    bool m_keyringWorks = true;
};

} // namespace Herald
