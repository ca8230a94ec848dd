#include "pushoutcome.h"

#include <QJsonDocument>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

bool wholeNumber(const QJsonValue &value)
{
    const double number = value.toDouble(-1);
    return value.isDouble() && number >= 0 && number == std::floor(number) && number <= 9.0e15;
}

} // namespace

// Stored notify: id, seq, users_online, sessions. Stored broadcast: id, users,
// sessions, stored. Live: id, stored, sessions, and users_online for a notify.
QJsonObject PushOutcome::toJson() const
{
    QJsonObject answer{{u"id"_s, id}, {u"sessions"_s, double(sessions)}};
    if (stored && broadcast) {
        answer.insert(u"users"_s, double(users));
        answer.insert(u"stored"_s, true);
    } else if (stored) {
        QJsonObject seqObject;
        for (auto it = seqs.cbegin(); it != seqs.cend(); ++it)
            seqObject.insert(it.key(), double(it.value()));
        answer.insert(u"seq"_s, seqObject);
        answer.insert(u"users_online"_s, double(usersOnline));
    } else {
        answer.insert(u"stored"_s, false);
        if (!broadcast)
            answer.insert(u"users_online"_s, double(usersOnline));
    }
    return answer;
}

QByteArray PushOutcome::toBytes() const
{
    return QJsonDocument(toJson()).toJson(QJsonDocument::Compact);
}

std::optional<PushOutcome> PushOutcome::fromBytes(const QByteArray &bytes)
{
    const QJsonObject object = QJsonDocument::fromJson(bytes).object();
    PushOutcome outcome;
    outcome.id = object.value(u"id"_s).toString();
    if (outcome.id.isEmpty() || !wholeNumber(object.value(u"sessions"_s)))
        return std::nullopt;
    outcome.sessions = qint64(object.value(u"sessions"_s).toDouble());
    const QJsonValue seq = object.value(u"seq"_s);
    const QJsonValue stored = object.value(u"stored"_s);
    if (seq.isObject()) { // stored notify
        outcome.stored = true;
        const QJsonObject seqObject = seq.toObject();
        for (auto it = seqObject.begin(); it != seqObject.end(); ++it) {
            if (!wholeNumber(it.value()))
                return std::nullopt;
            outcome.seqs.insert(it.key(), qint64(it.value().toDouble()));
        }
    } else if (!stored.isBool()) {
        return std::nullopt;
    } else {
        outcome.stored = stored.toBool();
        outcome.broadcast = !object.contains(u"users_online"_s);
        if (outcome.stored && outcome.broadcast) {
            if (!wholeNumber(object.value(u"users"_s)))
                return std::nullopt;
            outcome.users = qint64(object.value(u"users"_s).toDouble());
        }
    }
    if (object.contains(u"users_online"_s)) {
        if (!wholeNumber(object.value(u"users_online"_s)))
            return std::nullopt;
        outcome.usersOnline = qint64(object.value(u"users_online"_s).toDouble());
    }
    if (outcome.toJson() != object)
        return std::nullopt; // fields that belong to no outcome
    return outcome;
}

QString PushFailure::code() const
{
    switch (reason) {
    case Reason::PayloadTooLarge:
        return u"payload_too_large"_s;
    case Reason::StoreUnavailable:
        return u"store_unavailable"_s;
    case Reason::BrokerUnavailable:
        return u"broker_unavailable"_s;
    case Reason::ReplicasUnavailable:
        return u"replicas_unavailable"_s;
    }
    return u"store_unavailable"_s;
}

} // namespace Herald
