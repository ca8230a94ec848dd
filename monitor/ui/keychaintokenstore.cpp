#include "keychaintokenstore.h"

#include "logging.h"

#include <qt6keychain/keychain.h>

#include <QTimer>

#include <memory>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

const QString Service = u"herald-monitor"_s;

template<typename Job> Job *makeJob(const QString &profile, QObject *parent)
{
    auto *job = new Job(Service, parent); // QtKeychain jobs delete themselves when finished
    job->setKey(profile);
    job->setInsecureFallback(false); // never a token in clear on disk
    return job;
}

} // namespace

KeychainTokenStore::KeychainTokenStore(QObject *parent) : TokenStore(parent)
{
    connect(&m_memory, &TokenStore::tokenRead, this, &TokenStore::tokenRead);
    connect(&m_memory, &TokenStore::tokenWritten, this, &TokenStore::tokenWritten);
}

void KeychainTokenStore::read(const QString &profile)
{
    if (!m_keyringWorks)
        return m_memory.read(profile);
    auto *job = makeJob<QKeychain::ReadPasswordJob>(profile, this);
    run(job, [this, job, profile](int error, const QString &message) {
        if (error == QKeychain::NoError)
            m_memory.setToken(profile, job->binaryData());
        else if (error != QKeychain::EntryNotFound)
            noteFailure(message);
        Q_EMIT tokenRead(profile, m_memory.token(profile));
    });
}

void KeychainTokenStore::write(const QString &profile, const QByteArray &token)
{
    if (!m_keyringWorks)
        return m_memory.write(profile, token);
    m_memory.setToken(profile, token);
    auto *job = makeJob<QKeychain::WritePasswordJob>(profile, this);
    job->setBinaryData(token);
    run(job, [this, profile](int error, const QString &message) {
        if (error != QKeychain::NoError)
            noteFailure(message);
        Q_EMIT tokenWritten(profile, error == QKeychain::NoError,
                            error == QKeychain::NoError
                                ? QString()
                                : tr("no keyring (%1): the token is kept in memory until "
                                     "the console quits")
                                      .arg(message));
    });
}

void KeychainTokenStore::remove(const QString &profile)
{
    m_memory.remove(profile);
    if (m_keyringWorks)
        run(makeJob<QKeychain::DeletePasswordJob>(profile, this), [](int, const QString &) {});
}

void KeychainTokenStore::run(QKeychain::Job *job,
                             std::function<void(int error, const QString &message)> done)
{
    auto answered = std::make_shared<bool>(false);
    connect(job, &QKeychain::Job::finished, this, [job, done, answered] {
        if (!std::exchange(*answered, true))
            done(job->error(), job->errorString());
    });
    // The job may be gone by then: the timeout never touches it.
    QTimer::singleShot(TimeoutMs, this, [this, done, answered] {
        if (!std::exchange(*answered, true))
            done(QKeychain::OtherError, tr("the keyring did not answer"));
    });
    job->start();
}

void KeychainTokenStore::noteFailure(const QString &message)
{
    qCInfo(lcMonitorKeyring) << "keyring unavailable:" << message;
    m_keyringWorks = false;
}

} // namespace Herald
