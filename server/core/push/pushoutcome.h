#pragma once

#include <QByteArray>
#include <QHash>
#include <QJsonObject>
#include <QString>

#include <optional>
#include <variant>

namespace Herald {

// What became of an accepted push: the push API answers it as 202, the admin
// channel as a command result. It knows nothing of HTTP.
struct PushOutcome
{
    QString id;
    bool broadcast = false;
    bool stored = false;
    QHash<QString, qint64> seqs; // stored notify: the seq each user's stream gave it
    qint64 users = 0; // stored broadcast: the users it was stored for
    qint64 usersOnline = 0; // notify: the target users with a live session
    qint64 sessions = 0; // live sessions it went to
    bool replayed = false; // a repeated idempotency key: the first push's outcome, nothing new

    // The answer's JSON, as the push API has always sent it.
    QJsonObject toJson() const;
    QByteArray toBytes() const; // compact
    // Reads toBytes() back (an outcome kept with an idempotency key); nullopt if malformed.
    static std::optional<PushOutcome> fromBytes(const QByteArray &bytes);

    friend bool operator==(const PushOutcome &, const PushOutcome &) = default;
};

// Why a push was refused after it parsed; it changed nothing, but see ReplicasUnavailable.
struct PushFailure
{
    // ReplicasUnavailable: unlike the others the push is stored (on the broker's master, and
    // published), only not acknowledged by broker_min_replicas replicas in time.
    enum class Reason { PayloadTooLarge, StoreUnavailable, BrokerUnavailable, ReplicasUnavailable };

    Reason reason = Reason::StoreUnavailable;
    QString message;

    // "payload_too_large", "store_unavailable", "broker_unavailable", "replicas_unavailable"
    QString code() const;
};

using PushResult = std::variant<PushOutcome, PushFailure>;

} // namespace Herald
