// Browser frames: ClientFrame::parse, as Worker reads every text frame a
// session sends, and the error frame that answers a refused one.
//
// A copy of the reading Worker did before ClientFrame existed is kept here as
// the reference: the two must agree on every input.
//
// Input: the frame's text, as UTF-8 (QtWebSockets closes sessions whose text
// is not valid UTF-8, but the decoder must not care).

#include "fuzzcheck.h"

#include "clientframe.h"
#include "frames.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cmath>

using namespace Qt::Literals::StringLiterals;
using Herald::ClientFrame;

namespace {

// Worker::onClientFrame and handleClientFrame as they were, answers as (code, up_to).
std::pair<QString, qint64> reference(const QString &text)
{
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return {u"invalid_json"_s, 0};
    const QJsonObject frame = document.object();
    const QString type = frame.value(u"type"_s).toString();
    if (type == u"ping"_s)
        return {u"ping"_s, 0};
    if (type != u"read"_s)
        return {u"unknown_type"_s, 0};
    const QJsonValue upTo = frame.value(u"up_to"_s);
    const double value = upTo.toDouble(-1);
    if (!upTo.isDouble() || value < 0 || value != std::floor(value) || value > 9.0e15)
        return {u"invalid_field"_s, 0};
    return {u"read"_s, qint64(value)};
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const ClientFrame::Result result = ClientFrame::parse(text);
    const auto [code, upTo] = reference(text);
    if (const auto *frame = std::get_if<ClientFrame>(&result)) {
        const bool read = frame->type == ClientFrame::Type::Read;
        HERALD_FUZZ_CHECK(code == (read ? u"read"_s : u"ping"_s));
        HERALD_FUZZ_CHECK(frame->upTo == upTo);
        HERALD_FUZZ_CHECK(frame->upTo >= 0 && frame->upTo <= qint64(9e15));
        HERALD_FUZZ_CHECK(read || frame->upTo == 0);
        return 0;
    }
    const auto &error = std::get<ClientFrame::Error>(result);
    HERALD_FUZZ_CHECK(error.code == code && !error.message.isEmpty());
    // The answer is one JSON object that names the code.
    const QJsonObject answer
        = QJsonDocument::fromJson(Herald::Frames::error(error.code, error.message).toUtf8())
              .object();
    HERALD_FUZZ_CHECK(answer.value(u"type"_s) == u"error"_s && answer.value(u"code"_s) == code);
    HERALD_FUZZ_CHECK(answer.value(u"message"_s) == error.message);
    return 0;
}
