#include "broker/brokermessage.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

std::optional<BrokerMessage> committed(const QJsonObject &object)
{
    BrokerMessage message;
    message.frame = object.value(u"f"_s).toString();
    for (const QJsonValue &target : object.value(u"t"_s).toArray()) {
        const QJsonArray pair = target.toArray();
        if (pair.size() != 2 || !pair.at(0).isString() || !pair.at(1).isDouble())
            return std::nullopt;
        message.targets.append({pair.at(0).toString(), qint64(pair.at(1).toDouble())});
    }
    if (message.frame.isEmpty() || message.targets.isEmpty())
        return std::nullopt;
    return message;
}

std::optional<BrokerMessage> readMoved(const QJsonObject &object)
{
    BrokerMessage message;
    message.kind = BrokerMessage::Kind::ReadMoved;
    message.user = object.value(u"u"_s).toString();
    const auto integer = [&](const QString &name) { return qint64(object.value(name).toDouble()); };
    message.state = UserState{integer(u"l"_s), integer(u"c"_s), integer(u"n"_s), integer(u"o"_s)};
    if (message.user.isEmpty())
        return std::nullopt;
    return message;
}

std::optional<BrokerMessage> liveFrom(const QJsonObject &object)
{
    BrokerMessage message = BrokerMessage::live(object.value(u"f"_s).toString(), {});
    for (const QJsonValue &user : object.value(u"v"_s).toArray()) {
        if (!user.isString() || user.toString().isEmpty())
            return std::nullopt;
        message.users.append(user.toString());
    }
    if (message.frame.isEmpty() || !object.value(u"v"_s).isArray())
        return std::nullopt;
    return message;
}

} // namespace

BrokerMessage BrokerMessage::live(const QString &frame, const QStringList &users)
{
    BrokerMessage message;
    message.kind = Kind::Live;
    message.frame = frame;
    message.users = users;
    return message;
}

QByteArray BrokerMessage::toBytes() const
{
    return QJsonDocument(QJsonObject{{u"f"_s, frame}, {u"v"_s, QJsonArray::fromStringList(users)}})
        .toJson(QJsonDocument::Compact);
}

std::optional<BrokerMessage> BrokerMessage::parse(const QByteArray &payload)
{
    const QJsonObject object = QJsonDocument::fromJson(payload).object();
    if (object.contains(u"v"_s))
        return liveFrom(object);
    if (object.contains(u"f"_s))
        return committed(object);
    if (object.contains(u"u"_s))
        return readMoved(object);
    return std::nullopt;
}

} // namespace Herald
