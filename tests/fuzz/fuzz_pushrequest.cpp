// Push API bodies: PushRequest::parse for notify and broadcast, and JsonText,
// which reads the inbox and legacy bodies and the stored data.
//
// Input: one byte of options (bit 0: broadcast; bits 1-7: the user limit, 0
// meaning the default 10,000), then the body.

#include "fuzzcheck.h"

#include "jsontext.h"
#include "pushrequest.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>

using namespace Qt::Literals::StringLiterals;
using Herald::PushRequest;

namespace {

// What the header promises of an accepted request.
void checkAccepted(const PushRequest &request, PushRequest::Kind kind, int maxUsers)
{
    static const QRegularExpression event(u"^[A-Za-z0-9_.:-]{1,128}$"_s);
    static const QRegularExpression key(u"^[\\x21-\\x7e]{1,255}$"_s);
    HERALD_FUZZ_CHECK(request.kind == kind);
    if (kind == PushRequest::Kind::Broadcast)
        HERALD_FUZZ_CHECK(request.users.isEmpty());
    else
        HERALD_FUZZ_CHECK(!request.users.isEmpty() && request.users.size() <= maxUsers);
    const QSet<QString> distinct(request.users.cbegin(), request.users.cend());
    HERALD_FUZZ_CHECK(distinct.size() == request.users.size());
    for (const QString &user : request.users)
        HERALD_FUZZ_CHECK(!user.isEmpty() && user.size() <= 256);
    HERALD_FUZZ_CHECK(request.event.isEmpty() || event.match(request.event).hasMatch());
    HERALD_FUZZ_CHECK(request.idempotencyKey.isEmpty()
                      || key.match(request.idempotencyKey).hasMatch());
    HERALD_FUZZ_CHECK(!request.data.isUndefined());
}

// The request written back as a body: parsing it again must give the same request.
QByteArray rewrite(const PushRequest &request)
{
    QJsonObject body{{u"data"_s, request.data}, {u"store"_s, request.store}};
    if (request.kind == PushRequest::Kind::Notify)
        body.insert(u"users"_s, QJsonArray::fromStringList(request.users));
    if (!request.event.isEmpty())
        body.insert(u"event"_s, request.event);
    if (!request.idempotencyKey.isEmpty())
        body.insert(u"idempotency_key"_s, request.idempotencyKey);
    return QJsonDocument(body).toJson(QJsonDocument::Compact);
}

void checkRoundTrip(const PushRequest &request, int maxUsers)
{
    const PushRequest::Result again = PushRequest::parse(rewrite(request), request.kind, maxUsers);
    const auto *copy = std::get_if<PushRequest>(&again);
    HERALD_FUZZ_CHECK(copy);
    HERALD_FUZZ_CHECK(copy->users == request.users && copy->event == request.event);
    HERALD_FUZZ_CHECK(copy->data == request.data && copy->store == request.store);
    HERALD_FUZZ_CHECK(copy->idempotencyKey == request.idempotencyKey);
}

// JsonText reads one complete JSON value of any kind; what it writes reads back the same.
void checkJsonText(const QByteArray &text)
{
    const std::optional<QJsonValue> value = Herald::JsonText::parse(text);
    if (!value)
        return;
    HERALD_FUZZ_CHECK(!value->isUndefined());
    const QByteArray written = Herald::JsonText::serialize(*value);
    const std::optional<QJsonValue> again = Herald::JsonText::parse(written);
    HERALD_FUZZ_CHECK(again && *again == *value);
    HERALD_FUZZ_CHECK(Herald::JsonText::serialize(*again) == written);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const auto kind = data[0] & 1 ? PushRequest::Kind::Broadcast : PushRequest::Kind::Notify;
    const int maxUsers = data[0] >> 1 ? data[0] >> 1 : 10000;
    const QByteArray body(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    const PushRequest::Result result = PushRequest::parse(body, kind, maxUsers);
    if (const auto *request = std::get_if<PushRequest>(&result)) {
        checkAccepted(*request, kind, maxUsers);
        checkRoundTrip(*request, maxUsers);
    } else {
        const auto &error = std::get<Herald::ApiError>(result);
        HERALD_FUZZ_CHECK(error.status == 400);
        HERALD_FUZZ_CHECK(error.code == u"invalid_json"_s || error.code == u"invalid_field"_s);
    }
    checkJsonText(body);
    return 0;
}
