#pragma once

#include "notificationstore.h"

#include <deque>
#include <memory>

namespace Herald {

// A NotificationStore that keeps everything in memory and loses it on exit:
// each instance has a new epoch, so clients reload after a restart. Where the
// interface is silent: an invalid timestamp is stamped now, an invalid trim
// bound means no bound, and a limit <= 0 reads nothing.
class MemoryStore : public NotificationStore
{
public:
    MemoryStore();

    bool open(QString *error) override;
    QString epoch() const override { return m_epoch; }

    bool append(const QList<AppendEntry> &entries, const ResponseBuilder &respond,
                QList<AppendResult> *results, QString *error) override;

    UserState userState(const QString &user) override;
    QList<StoredNotification> since(const QString &user, qint64 afterSeq, int limit,
                                    QString *error = nullptr) override;
    QList<StoredNotification> history(const QString &user, qint64 beforeSeq, qint64 afterSeq,
                                      int limit, QString *error = nullptr) override;
    bool markRead(const QString &user, qint64 upTo, QString *error) override;
    QStringList knownUsers() override;
    bool trim(int keepPerUser, const QDateTime &olderThan, const QDateTime &keysOlderThan,
              QString *error) override;

private:
    // One push, shared by every user it went to.
    struct Body
    {
        QString id;
        QString event;
        QByteArray data;
        qint64 ts = 0; // ms since the epoch, UTC
    };
    struct Item
    {
        qint64 seq = 0;
        std::shared_ptr<const Body> body;
    };
    struct Stream
    {
        qint64 lastSeq = 0;
        qint64 readCursor = 0;
        std::deque<Item> items; // ascending seq; trimming may leave holes
        bool tsOrdered = true; // false once a timestamp went backwards
    };
    struct Key
    {
        QByteArray response;
        qint64 created = 0;
    };

    AppendResult appendOne(const AppendEntry &entry, const ResponseBuilder &respond);
    static std::deque<Item>::const_iterator firstAfter(const Stream &stream, qint64 seq);
    static StoredNotification toStored(const Item &item);
    static void trimStream(Stream &stream, int keep, const QDateTime &olderThan);

    QString m_epoch;
    QHash<QString, Stream> m_streams;
    QHash<QString, Key> m_keys;
};

} // namespace Herald
