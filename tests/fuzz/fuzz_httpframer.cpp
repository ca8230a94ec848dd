// The push API's strict HTTP reading: HttpRequestHead::parse and RequestFramer.
//
// The same bytes are fed to a framer whole, in pieces cut at fuzzed points and
// one byte at a time: the heads, the refusal and the final state must agree.
// A refusal must depend on no byte after the one that decided it (the framer
// never reads past a refused head), every head must keep the promises in
// httprequesthead.h, and the framer's first head must be what parse() makes of
// the same bytes.
//
// Input: a first line "<body limit> [<cut> ...]" (at most 16 cuts, each taken
// modulo the stream's length + 1), then the connection's byte stream.

#include "fuzzcheck.h"

#include "api/httprequesthead.h"
#include "api/requestframer.h"

#include <algorithm>
#include <cctype>
#include <numeric>

using Herald::ApiError;
using Herald::HttpRequestHead;
using Herald::RequestFramer;

namespace {

struct Run
{
    QList<HttpRequestHead> heads;
    std::optional<ApiError> error;
    qsizetype errorAt = -1; // bytes fed when the refusal came (one-byte feeding only)
    RequestFramer::State state = RequestFramer::State::Idle;
    qint64 bodyLeft = 0;
};

bool sameHead(const HttpRequestHead &a, const HttpRequestHead &b)
{
    return a.method == b.method && a.target == b.target && a.headers == b.headers
        && a.http11 == b.http11 && a.contentLength == b.contentLength
        && a.expectContinue == b.expectContinue;
}

bool sameError(const std::optional<ApiError> &a, const std::optional<ApiError> &b)
{
    return a.has_value() == b.has_value()
        && (!a || (a->status == b->status && a->code == b->code && a->message == b->message));
}

bool sameRun(const Run &a, const Run &b)
{
    return a.heads.size() == b.heads.size()
        && std::equal(a.heads.cbegin(), a.heads.cend(), b.heads.cbegin(), sameHead)
        && sameError(a.error, b.error) && a.state == b.state && a.bodyLeft == b.bodyLeft;
}

// Feeds \a stream cut before each of \a cuts (sorted offsets).
Run feed(QByteArrayView stream, qint64 maxBody, const QList<qsizetype> &cuts)
{
    RequestFramer framer(maxBody);
    Run run;
    qsizetype from = 0;
    for (qsizetype i = 0; i <= cuts.size(); ++i) {
        const qsizetype to = i < cuts.size() ? cuts[i] : stream.size();
        const RequestFramer::Output output = framer.feed(stream.sliced(from, to - from));
        from = to;
        // After a refusal nothing more is read: no heads, no second refusal.
        HERALD_FUZZ_CHECK(!run.error || (output.heads.isEmpty() && !output.error));
        run.heads.append(output.heads);
        if (output.error) {
            HERALD_FUZZ_CHECK(framer.state() == RequestFramer::State::Done);
            run.error = output.error;
            run.errorAt = to;
        }
    }
    run.state = framer.state();
    run.bodyLeft = framer.bodyLeft();
    return run;
}

bool isToken(QByteArrayView text)
{
    return !text.isEmpty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(uchar(c)) || QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
    });
}

// The promises of httprequesthead.h, checked on every head that got through.
void checkHead(const HttpRequestHead &head, qint64 maxBody)
{
    HERALD_FUZZ_CHECK(isToken(head.method));
    HERALD_FUZZ_CHECK(!head.target.isEmpty());
    for (char c : head.target)
        HERALD_FUZZ_CHECK(uchar(c) > 0x20 && uchar(c) != 0x7f);
    HERALD_FUZZ_CHECK(head.target.startsWith('/') || head.target.startsWith("http://")
                      || head.target.startsWith("https://")
                      || (head.target == "*" && head.method == "OPTIONS"));
    qsizetype hosts = 0, lengths = 0;
    for (const auto &[name, value] : head.headers) {
        HERALD_FUZZ_CHECK(isToken(name) && name == name.toLower());
        HERALD_FUZZ_CHECK(value == value.trimmed());
        for (char c : value)
            HERALD_FUZZ_CHECK((uchar(c) >= 0x20 || c == '\t') && uchar(c) != 0x7f);
        HERALD_FUZZ_CHECK(name != "transfer-encoding");
        hosts += name == "host";
        lengths += name == "content-length";
    }
    HERALD_FUZZ_CHECK(!head.http11 || hosts == 1);
    HERALD_FUZZ_CHECK(lengths <= 1 && head.contentLength >= 0 && head.contentLength <= maxBody);
    HERALD_FUZZ_CHECK(!head.expectContinue || head.http11);
    (void)head.path();
    (void)head.asksForUpgrade();
    (void)head.headerHasToken("connection", "close");
}

// The first head, read by parse() alone, gives the framer's answer for it.
void checkFirstHead(QByteArrayView stream, qint64 maxBody, const Run &whole)
{
    const qsizetype end = stream.indexOf("\r\n\r\n");
    if (stream.isEmpty() || stream[0] == '\r' || stream[0] == '\n' || end < 0
        || end + 4 > RequestFramer::MaxHeadBytes)
        return;
    const auto parsed = HttpRequestHead::parse(stream.first(end + 4), maxBody);
    if (const auto *head = std::get_if<HttpRequestHead>(&parsed)) {
        HERALD_FUZZ_CHECK(!whole.heads.isEmpty() && sameHead(whole.heads.first(), *head));
        return;
    }
    HERALD_FUZZ_CHECK(whole.heads.isEmpty() && whole.error);
    // The framer refuses a bare LF as soon as it arrives, before it reads any line:
    // then its answer is 400, where parse() may first find, say, HTTP/1.2 (505).
    for (qsizetype i = 0; i < end; ++i) {
        if (stream[i] == '\n' && (i == 0 || stream[i - 1] != '\r'))
            return;
    }
    const ApiError &error = std::get<ApiError>(parsed);
    HERALD_FUZZ_CHECK(whole.error->status == error.status && whole.error->code == error.code);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(data, qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    if (newline < 0)
        return 0;
    const QList<QByteArray> numbers = input.first(newline).toByteArray().split(' ');
    const qint64 maxBody = qMax(0LL, numbers.value(0).toLongLong());
    const QByteArrayView stream = input.sliced(newline + 1);
    QList<qsizetype> cuts;
    for (qsizetype i = 1; i < qMin<qsizetype>(numbers.size(), 17); ++i)
        cuts.append(qsizetype(quint64(numbers[i].toLongLong()) % quint64(stream.size() + 1)));
    std::sort(cuts.begin(), cuts.end());
    QList<qsizetype> everyByte(stream.size());
    std::iota(everyByte.begin(), everyByte.end(), qsizetype(0));

    const Run whole = feed(stream, maxBody, {});
    HERALD_FUZZ_CHECK(sameRun(whole, feed(stream, maxBody, cuts)));
    const Run bytewise = feed(stream, maxBody, everyByte);
    HERALD_FUZZ_CHECK(sameRun(whole, bytewise));
    for (const HttpRequestHead &head : whole.heads)
        checkHead(head, maxBody);
    checkFirstHead(stream, maxBody, whole);
    if (bytewise.error) {
        // Decided by the bytes up to errorAt, and not before the last of them.
        const QByteArrayView decisive = stream.first(bytewise.errorAt);
        HERALD_FUZZ_CHECK(sameError(feed(decisive, maxBody, {}).error, bytewise.error));
        HERALD_FUZZ_CHECK(!feed(decisive.chopped(1), maxBody, {}).error);
    }
    return 0;
}
