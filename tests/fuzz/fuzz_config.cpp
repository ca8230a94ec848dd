// Configuration: the ConfigValueParser functions, IniFile::parse, and
// ConfigLoader::load with fuzzed flags, environment and INI file.
//
// Input: text. The first line picks what is fuzzed:
//   "values <limit>": the rest is one value for every ConfigValueParser
//       function, with limits derived from <limit>;
//   "ini": the rest is an INI file's content for IniFile::parse;
//   "load": then lines "arg <argument>", "env <NAME>=<value>" (both
//       percent-decoded, so they can hold newlines), "secrets" (a valid
//       HERALD_SECRET and HERALD_API_KEY), and "ini", after which the rest is
//       the --config file.
// Inputs naming paths with '/' are skipped: the loader reads the files it is
// told to, and /dev/zero or a FIFO would hang the fuzzer, not find a bug. The
// file "secret.txt" next to the INI file holds a secret.

#include "fuzzcheck.h"

#include "config/configloader.h"
#include "config/configoptions.h"
#include "config/configvalueparser.h"
#include "config/inifile.h"

#include <QCoreApplication>
#include <QFile>
#include <QTemporaryDir>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using Parse = ConfigValueParser;

namespace {

// The content of secret.txt and the valid HERALD_SECRET: never to show up in a message.
const QByteArray FileSecret = "file-secret-7f3a9c0e5b1d4a2c8e6f0b3d5a7c9e1f";
const QByteArray EnvSecret = "env-secret-0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e";

QTemporaryDir *workDir = nullptr; // made once, removed at exit

void fuzzValueParsers(const QString &value, qint64 limit)
{
    if (const auto port = Parse::port(value))
        HERALD_FUZZ_CHECK(Parse::port(QString::number(*port)) == port);
    (void)Parse::address(value);
    (void)Parse::boolean(value);
    if (const auto number = Parse::integer(value, -limit, limit))
        HERALD_FUZZ_CHECK(*number >= -limit && *number <= limit);
    const double maxSeconds = double(limit % 100000) / 16;
    if (const auto ms = Parse::seconds(value, maxSeconds))
        HERALD_FUZZ_CHECK(*ms >= 1 && *ms <= qRound(maxSeconds * 1000));
    const qint64 maxMs = qMax<qint64>(1, limit);
    if (const auto ms = Parse::duration(value, maxMs)) {
        HERALD_FUZZ_CHECK(*ms >= 1 && *ms <= maxMs);
        HERALD_FUZZ_CHECK(Parse::duration(Parse::durationText(*ms), maxMs) == ms);
    }
    if (const auto origins = Parse::origins(value)) {
        for (const QString &origin : *origins)
            HERALD_FUZZ_CHECK(Parse::origins(origin) == QStringList{origin});
    }
}

void fuzzIniFile(const QString &content)
{
    const QString fileName = u"fuzz.conf"_s;
    const QStringList keys = ConfigOptions::table().fileKeys();
    QString error;
    const std::optional<IniFile> ini = IniFile::parse(content, fileName, keys, &error);
    if (!ini) {
        HERALD_FUZZ_CHECK(error.startsWith(fileName + u':'));
        return;
    }
    for (const QString &key : keys) {
        if (const auto value = ini->value(key))
            HERALD_FUZZ_CHECK(*value == value->trimmed());
    }
    HERALD_FUZZ_CHECK(!ini->value(u"secret"_s) && !ini->value(u"api_key"_s));
}

struct LoaderInput
{
    QStringList arguments{u"herald-server"_s};
    QProcessEnvironment env;
    std::optional<QByteArray> ini;
    QString everything; // all the text given, to tell a leak from an echo
};

LoaderInput readLoaderInput(QByteArrayView text)
{
    LoaderInput in;
    while (!text.isEmpty()) {
        const qsizetype newline = text.indexOf('\n');
        const QByteArrayView line = newline < 0 ? text : text.first(newline);
        text = newline < 0 ? QByteArrayView() : text.sliced(newline + 1);
        const QString value = QString::fromUtf8(QByteArray::fromPercentEncoding(
            line.sliced(qMin<qsizetype>(line.size(), 4)).toByteArray()));
        if (line.startsWith("arg ")) {
            in.arguments << value;
        } else if (line.startsWith("env ") && value.indexOf(u'=') > 0) {
            const qsizetype equals = value.indexOf(u'=');
            in.env.insert(value.first(equals), value.sliced(equals + 1));
        } else if (line == "secrets") {
            in.env.insert(u"HERALD_SECRET"_s, QString::fromLatin1(EnvSecret));
            in.env.insert(u"HERALD_API_KEY"_s, u"fuzz-api-key"_s);
            continue;
        } else if (line == "ini") {
            in.ini = text.toByteArray();
            in.everything += QString::fromUtf8(*in.ini);
            break;
        }
        in.everything += value;
    }
    return in;
}

void checkConfig(const ServerConfig &c)
{
    HERALD_FUZZ_CHECK(c.workers >= 0 && c.workers <= ConfigOptions::MaxWorkers);
    for (int ms : {c.heartbeatMs, c.handshakeTimeoutMs, c.apiIdleTimeoutMs, c.apiHeadTimeoutMs})
        HERALD_FUZZ_CHECK(ms >= 1 && ms <= ConfigOptions::MaxSeconds * 1000);
    HERALD_FUZZ_CHECK(c.maxPayloadBytes >= ConfigOptions::MinPayloadBytes
                      && c.maxPayloadBytes <= ConfigOptions::MaxPayloadBytes);
    HERALD_FUZZ_CHECK(c.apiMinBodyRate >= ConfigOptions::MinBodyRate
                      && c.apiMinBodyRate <= ConfigOptions::MaxBodyRate);
    HERALD_FUZZ_CHECK(c.clientFramesPerSecond >= 1
                      && c.clientFramesPerSecond <= ConfigOptions::MaxClientRate);
    HERALD_FUZZ_CHECK(c.historySize >= 1 && c.historySize <= ConfigOptions::MaxHistorySize);
    HERALD_FUZZ_CHECK(c.historyTtlMs >= 1 && c.historyTtlMs <= ConfigOptions::MaxTtlMs);
    HERALD_FUZZ_CHECK(c.idempotencyTtlMs >= 1 && c.idempotencyTtlMs <= ConfigOptions::MaxTtlMs);
    HERALD_FUZZ_CHECK(c.trimIntervalMs >= 1
                      && c.trimIntervalMs <= ConfigOptions::MaxTrimIntervalMs);
    HERALD_FUZZ_CHECK(!c.dataDir.isEmpty() && !c.apiKey.isEmpty());
    HERALD_FUZZ_CHECK(c.secret.size() >= (c.devMode ? 1 : ConfigLoader::MinSecretBytes));
    HERALD_FUZZ_CHECK(c.devMode || c.adminToken.isEmpty() || c.adminToken.size() >= 16);
}

void fuzzLoader(QByteArrayView text)
{
    LoaderInput in = readLoaderInput(text);
    if (in.everything.contains(u'/'))
        return;
    if (in.ini) {
        const QString path = workDir->filePath(u"herald.conf"_s);
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(*in.ini) < 0)
            std::abort();
        in.arguments << u"--config"_s << path;
    }
    const ConfigResult result = ConfigLoader::load(in.arguments, in.env);
    if (result.kind == ConfigResult::Kind::Run)
        checkConfig(result.config);
    HERALD_FUZZ_CHECK(result.kind == ConfigResult::Kind::Run || !result.text.isEmpty());
    if (result.kind != ConfigResult::Kind::Error)
        return;
    // One line, and never a secret's content.
    HERALD_FUZZ_CHECK(!result.text.contains(u'\n') && !result.text.contains(u'\r'));
    for (const QByteArray &secret : {FileSecret, EnvSecret}) {
        if (!in.everything.contains(QString::fromLatin1(secret)))
            HERALD_FUZZ_CHECK(!result.text.contains(QString::fromLatin1(secret)));
    }
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    // The help and version texts name the application.
    static QCoreApplication app(*argc, *argv);
    QCoreApplication::setApplicationName(u"herald-server"_s);
    static QTemporaryDir dir;
    workDir = &dir;
    QFile secret(dir.filePath(u"secret.txt"_s));
    if (!dir.isValid() || !secret.open(QIODevice::WriteOnly) || secret.write(FileSecret) < 0)
        std::abort();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView input(data, qsizetype(size));
    const qsizetype newline = input.indexOf('\n');
    const QByteArrayView first = newline < 0 ? input : input.first(newline);
    const QByteArrayView rest = newline < 0 ? QByteArrayView() : input.sliced(newline + 1);
    if (first.startsWith("values")) {
        const qint64 limit = qAbs(first.sliced(6).toByteArray().trimmed().toLongLong() / 2);
        fuzzValueParsers(QString::fromUtf8(rest), limit);
    } else if (first == "ini") {
        fuzzIniFile(QString::fromUtf8(rest));
    } else if (first == "load") {
        fuzzLoader(rest);
    }
    return 0;
}
