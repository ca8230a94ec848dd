#pragma once

#include <QByteArray>
#include <QObject>
#include <QString>

namespace Herald {

// Where admin tokens live between connections, per profile name. Answers come
// as signals (keyrings are asynchronous). No implementation ever writes a token
// in clear to disk: a keyring, or memory for this run only.
class TokenStore : public QObject
{
    Q_OBJECT

public:
    using QObject::QObject;

    // True when tokens survive restarting the console (a keyring is in use).
    virtual bool isPersistent() const = 0;
    virtual void read(const QString &profile) = 0; // -> tokenRead, empty when none
    virtual void write(const QString &profile, const QByteArray &token) = 0; // -> tokenWritten
    virtual void remove(const QString &profile) = 0;

Q_SIGNALS:
    void tokenRead(const QString &profile, const QByteArray &token);
    // persistent: kept in the keyring; false: kept in memory only (problem says why).
    void tokenWritten(const QString &profile, bool persistent, const QString &problem);
};

} // namespace Herald
