// The monitor's side of the admin channel: the decoders in monitor/core
// (AdminHello, AdminSessionRecord, AdminSessionCounters, AdminEvent, StatsSample,
// CommandResult) on every object of a frame, as AdminClient hands them over.
//
// Input: the frame's text. Objects nested under "session", "sessions",
// "events" and "result", and the elements of a top-level array, are decoded too.

#include "fuzzcheck.h"

#include "admin/adminevent.h"
#include "admin/adminhello.h"
#include "admin/adminsessioncounters.h"
#include "admin/adminsessionrecord.h"
#include "commandresult.h"
#include "statssample.h"

#include <QJsonArray>
#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

namespace {

void checkCounters(const QJsonObject &json)
{
    const AdminSessionCounters counters = AdminSessionCounters::readFrom(json);
    HERALD_FUZZ_CHECK(!counters.framesSent || *counters.framesSent >= 0);
    HERALD_FUZZ_CHECK(!counters.lastPongAt || !counters.lastPongAt->isValid()
                      || counters.lastPongAt->timeSpec() == Qt::UTC);
    // What the monitor writes of them reads back the same.
    QJsonObject written;
    counters.writeTo(written);
    HERALD_FUZZ_CHECK(AdminSessionCounters::readFrom(written) == counters);
    // The newest of two never loses a known field, nor goes back.
    const AdminSessionCounters zero{qint64(0), QDateTime()};
    const AdminSessionCounters newest = counters.newest(zero);
    HERALD_FUZZ_CHECK(newest.framesSent && newest.lastPongAt);
    HERALD_FUZZ_CHECK(*newest.framesSent == counters.framesSent.value_or(0));
    HERALD_FUZZ_CHECK(zero.newest(counters) == newest);
}

void checkSession(const QJsonObject &json)
{
    const std::optional<AdminSessionRecord> record = AdminSessionRecord::fromJson(json);
    if (!record)
        return;
    HERALD_FUZZ_CHECK(!record->id.isEmpty() && !record->user.isEmpty());
    HERALD_FUZZ_CHECK(AdminSessionRecord::fromJson(record->toJson()) == record);
}

void checkEvent(const QJsonObject &json)
{
    const std::optional<AdminEvent> event = AdminEvent::fromJson(json);
    if (!event)
        return;
    if (event->kind == AdminEvent::Kind::SessionOpened
        || event->kind == AdminEvent::Kind::SessionClosed)
        HERALD_FUZZ_CHECK(!event->session.id.isEmpty() && !event->session.user.isEmpty());
}

void checkResult(const QJsonObject &json)
{
    std::optional<CommandResult> result = CommandResult::fromJson(json);
    if (!result)
        return;
    HERALD_FUZZ_CHECK(result->ok || !result->errorCode.isEmpty());
    result->command = u"notify"_s;
    HERALD_FUZZ_CHECK(!result->summary().isEmpty());
}

// Every decoder on \a json, then on the objects AdminClient would find inside it.
void decode(const QJsonObject &json, int depth)
{
    if (const auto hello = AdminHello::fromJson(json))
        HERALD_FUZZ_CHECK(json.value(u"type"_s) == u"hello"_s);
    (void)StatsSample::fromJson(json, QDateTime::fromSecsSinceEpoch(1850000000, Qt::UTC));
    checkCounters(json);
    checkSession(json);
    checkEvent(json);
    checkResult(json);
    if (depth > 2)
        return;
    for (const QString &key : {u"session"_s, u"result"_s})
        decode(json.value(key).toObject(), depth + 1);
    for (const QString &key : {u"sessions"_s, u"events"_s}) {
        for (const QJsonValue &value : json.value(key).toArray())
            decode(value.toObject(), depth + 1);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray text(reinterpret_cast<const char *>(data), qsizetype(size));
    const QJsonDocument document = QJsonDocument::fromJson(text);
    if (document.isObject())
        decode(document.object(), 0);
    for (const QJsonValue &value : document.array())
        decode(value.toObject(), 1);
    return 0;
}
