#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>
#include <utility>

namespace Herald {

// Parsers for one option value as written in a flag, an environment variable or the INI file.
// Each returns nullopt for any text that is not a valid value and never throws; the caller
// words the error because only it knows the option and the source.
class ConfigValueParser
{
public:
    template<typename T> using Choices = QList<std::pair<QString, T>>;

    static std::optional<quint16> port(const QString &text);
    // An IP literal, "localhost" (127.0.0.1) or "*" (every IPv4 interface); never a host name.
    static std::optional<QHostAddress> address(const QString &text);
    static std::optional<qint64> integer(const QString &text, qint64 min, qint64 max);
    // Seconds with decimals, at most maxSeconds, in whole milliseconds; nullopt under 1 ms.
    static std::optional<int> seconds(const QString &text, double maxSeconds);
    // Comma-separated web origins, each scheme://host[:port] with scheme http or https and
    // nothing else (no path, query, user info), lower-cased; an empty text is an empty list.
    static std::optional<QStringList> origins(const QString &text);
    // QLoggingCategory filter rules separated by ';' or ',', each "<category>[.<type>]=<bool>"
    // (category may hold '*' wildcards; type debug, info, warning or critical; bool true or
    // false), e.g. "herald.server.ws.debug=true; qt.*=false". Returns them one per line, as
    // QLoggingCategory::setFilterRules() takes them; an empty text gives an empty string.
    static std::optional<QString> logRules(const QString &text);
    // 1/true/yes/on or 0/false/no/off, in any case.
    static std::optional<bool> boolean(const QString &text);
    // "<number>[unit]" with unit ms, s, m, h or d (none: seconds) and decimals allowed, e.g.
    // "0.5s" or "1.5h", in whole milliseconds from 1 to maxMs. Refuses signs, exponents,
    // spaces, upper-case units and anything that rounds to 0 ms.
    static std::optional<qint64> duration(const QString &text, qint64 maxMs);
    // ms as the largest whole unit, one step finer when that unit would count 1, as people
    // write it: "60s", "24h", "30d", "1500ms".
    static QString durationText(qint64 ms);

    // One of the names in choices, in any case.
    template<typename T>
    static std::optional<T> choice(const QString &text, const Choices<T> &choices)
    {
        for (const auto &[name, value] : choices) {
            if (text.compare(name, Qt::CaseInsensitive) == 0)
                return value;
        }
        return std::nullopt;
    }

    template<typename T> static QString choiceName(T value, const Choices<T> &choices)
    {
        for (const auto &[name, candidate] : choices) {
            if (candidate == value)
                return name;
        }
        return QString();
    }
};

} // namespace Herald
