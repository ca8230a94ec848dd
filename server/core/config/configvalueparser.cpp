#include "config/configvalueparser.h"

#include <QRegularExpression>
#include <QStringList>
#include <QUrl>

#include <array>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

struct Unit
{
    QStringView suffix;
    qint64 ms;
};

// Largest first, for durationText().
constexpr std::array<Unit, 5> Units{{
    {u"d", 24LL * 3600 * 1000},
    {u"h", 3600LL * 1000},
    {u"m", 60LL * 1000},
    {u"s", 1000},
    {u"ms", 1},
}};

} // namespace

std::optional<quint16> ConfigValueParser::port(const QString &text)
{
    bool ok = false;
    const uint port = text.toUInt(&ok);
    if (!ok || port > 65535)
        return std::nullopt;
    return quint16(port);
}

std::optional<QHostAddress> ConfigValueParser::address(const QString &text)
{
    if (text.compare(u"localhost", Qt::CaseInsensitive) == 0)
        return QHostAddress(QHostAddress::LocalHost);
    if (text == u"*")
        return QHostAddress(QHostAddress::AnyIPv4);
    QHostAddress address;
    if (!address.setAddress(text))
        return std::nullopt;
    return address;
}

std::optional<qint64> ConfigValueParser::integer(const QString &text, qint64 min, qint64 max)
{
    bool ok = false;
    const qint64 value = text.toLongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

std::optional<int> ConfigValueParser::seconds(const QString &text, double maxSeconds)
{
    bool ok = false;
    const double value = text.toDouble(&ok);
    // The negated form also refuses NaN; a negative value is refused before it is
    // rounded, as -1e10 s in milliseconds does not fit an int.
    if (!ok || !(value >= 0 && value <= maxSeconds))
        return std::nullopt;
    const int ms = qRound(value * 1000);
    if (ms < 1)
        return std::nullopt;
    return ms;
}

std::optional<bool> ConfigValueParser::boolean(const QString &text)
{
    const QString lower = text.toLower();
    if (QStringList{u"1"_s, u"true"_s, u"yes"_s, u"on"_s}.contains(lower))
        return true;
    if (QStringList{u"0"_s, u"false"_s, u"no"_s, u"off"_s}.contains(lower))
        return false;
    return std::nullopt;
}

std::optional<qint64> ConfigValueParser::duration(const QString &text, qint64 maxMs)
{
    static const QRegularExpression pattern(u"^([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)(ms|s|m|h|d)?$"_s);
    const QRegularExpressionMatch match = pattern.match(text);
    if (!match.hasMatch())
        return std::nullopt;
    const QStringView suffix = match.capturedView(2);
    qint64 unitMs = 1000;
    for (const Unit &unit : Units) {
        if (unit.suffix == suffix)
            unitMs = unit.ms;
    }
    const double ms = match.captured(1).toDouble() * double(unitMs);
    // Compared as a double first: a long digit string must not overflow qint64.
    if (!(ms < double(maxMs) + 0.5))
        return std::nullopt;
    const qint64 rounded = qRound64(ms);
    if (rounded < 1)
        return std::nullopt;
    return rounded;
}

QString ConfigValueParser::durationText(qint64 ms)
{
    for (const Unit &unit : Units) {
        if (ms % unit.ms == 0 && ms / unit.ms > 1)
            return QString::number(ms / unit.ms).append(unit.suffix);
    }
    return QString::number(ms) + u"ms"_s;
}

std::optional<QStringList> ConfigValueParser::origins(const QString &text)
{
    QStringList origins;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString origin = part.trimmed().toLower();
        const QUrl url(origin, QUrl::StrictMode);
        const bool web = url.scheme() == u"http"_s || url.scheme() == u"https"_s;
        if (!url.isValid() || !web || url.host().isEmpty() || !url.userInfo().isEmpty()
            || url.hasQuery() || url.hasFragment() || !url.path().isEmpty()
            || url.toString(QUrl::FullyEncoded) != origin) {
            return std::nullopt;
        }
        origins.append(origin);
    }
    return origins;
}

std::optional<QString> ConfigValueParser::logRules(const QString &text)
{
    static const QRegularExpression rule(
        u"^[A-Za-z0-9_*-]+(\\.[A-Za-z0-9_*-]+)*\\s*=\\s*(true|false)$"_s);
    QStringList rules;
    for (const QString &part : text.split(QRegularExpression(u"[;,]"_s))) {
        const QString trimmed = part.trimmed();
        if (trimmed.isEmpty())
            continue;
        if (!rule.match(trimmed).hasMatch())
            return std::nullopt;
        rules.append(trimmed);
    }
    return rules.join(u'\n');
}

} // namespace Herald
