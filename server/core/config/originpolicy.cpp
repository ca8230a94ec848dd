#include "config/originpolicy.h"

#include <QHostAddress>
#include <QRegularExpression>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

int defaultPort(const QString &scheme)
{
    return scheme == u"https"_s ? 443 : 80;
}

// Letters, digits and inner hyphens, 1 to 63 of them per label (RFC 1123); IDNs arrive
// in their xn-- form.
bool isHostName(const QString &host)
{
    static const QRegularExpression label(u"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$"_s);
    if (host.isEmpty() || host.size() > 253)
        return false;
    const QStringList labels = host.split(u'.');
    return std::all_of(labels.cbegin(), labels.cend(),
                       [](const QString &part) { return label.match(part).hasMatch(); });
}

bool isHost(const QString &host)
{
    if (host.startsWith(u'[') && host.endsWith(u']'))
        return QHostAddress(host.mid(1, host.size() - 2)).protocol()
            == QAbstractSocket::IPv6Protocol;
    return isHostName(host);
}

} // namespace

std::optional<OriginPolicy> OriginPolicy::parse(const QString &text, QString *error)
{
    OriginPolicy policy;
    for (const QString &part : text.split(u',', Qt::SkipEmptyParts)) {
        const QString entry = part.trimmed();
        if (entry.isEmpty())
            continue;
        const auto parsed = parseEntry(entry, error);
        if (!parsed)
            return std::nullopt;
        policy.m_entries.append(*parsed);
    }
    return policy;
}

// Every refusal names the entry and says what is wrong with it.
std::optional<OriginPolicy::Entry> OriginPolicy::parseEntry(const QString &text, QString *error)
{
    const auto fail = [&](const QString &why) {
        *error = u"'%1' %2"_s.arg(text, why);
        return std::nullopt;
    };
    if (text.compare(u"null"_s, Qt::CaseInsensitive) == 0)
        return fail(u"cannot be allowed: it is the origin of sandboxed frames and file: pages, "
                    u"which any site can make"_s);
    const qsizetype separator = text.indexOf(u"://"_s);
    if (separator <= 0)
        return fail(u"is not an origin: expected scheme://host[:port], e.g. "
                    u"https://app.example.com or https://*.example.com"_s);
    Entry entry;
    entry.scheme = text.left(separator).toLower();
    if (entry.scheme != u"http"_s && entry.scheme != u"https"_s)
        return fail(u"has scheme '%1': only http and https pages send an origin"_s.arg(
            text.left(separator)));
    QString authority = text.mid(separator + 3).toLower();
    static const QRegularExpression extra(u"[/?#@\\\\]"_s);
    if (authority.contains(extra))
        return fail(u"is not just an origin: no path (not even '/'), query, fragment or user "
                    u"info"_s);
    const qsizetype colon = authority.lastIndexOf(u':');
    if (colon >= 0 && colon > authority.lastIndexOf(u']')) {
        bool ok = false;
        const QString digits = authority.mid(colon + 1);
        entry.port = digits.toInt(&ok);
        static const QRegularExpression decimal(u"^[0-9]{1,5}$"_s);
        if (!ok || !decimal.match(digits).hasMatch() || entry.port < 1 || entry.port > 65535)
            return fail(u"has port '%1': a port is a number from 1 to 65535"_s.arg(digits));
        authority.truncate(colon);
    } else {
        entry.port = defaultPort(entry.scheme);
    }
    if (authority.startsWith(u"*."_s)) {
        entry.wildcard = true;
        authority.remove(0, 2);
        if (isHostName(authority) && !authority.contains(u'.'))
            return fail(u"matches every host under '%1': a pattern needs a domain of at least "
                        u"two labels, as in https://*.example.com"_s.arg(authority));
    }
    if (authority.contains(u'*'))
        return fail(u"has a '*' that is not the whole leftmost label: write patterns as "
                    u"https://*.example.com"_s);
    if (!isHost(authority) || (entry.wildcard && authority.startsWith(u'[')))
        return fail(u"has host '%1', which is not a host name (ASCII, xn-- for IDNs) or IP "
                    u"address"_s.arg(authority));
    entry.host = authority;
    return entry;
}

bool OriginPolicy::allows(QByteArrayView origin) const
{
    if (m_entries.isEmpty())
        return true;
    QString ignored;
    const QString text = QString::fromLatin1(origin.data(), origin.size()).trimmed();
    // A header cannot be a pattern: "*." in it is simply no host name.
    if (text.contains(u'*') || text.contains(u','))
        return false;
    const auto parsed = parseEntry(text, &ignored);
    if (!parsed)
        return false;
    return std::any_of(m_entries.cbegin(), m_entries.cend(),
                       [&](const Entry &entry) { return matches(entry, *parsed); });
}

bool OriginPolicy::matches(const Entry &entry, const Entry &origin)
{
    if (entry.scheme != origin.scheme || entry.port != origin.port)
        return false;
    if (!entry.wildcard)
        return entry.host == origin.host;
    // Any depth below the domain, and a label boundary: evil-example.com is not *.example.com.
    return origin.host.size() > entry.host.size() + 1 && origin.host.endsWith(u'.' + entry.host);
}

QStringList OriginPolicy::entries() const
{
    QStringList list;
    for (const Entry &entry : m_entries) {
        QString text
            = entry.scheme + u"://"_s + (entry.wildcard ? u"*."_s : QString()) + entry.host;
        if (entry.port != defaultPort(entry.scheme))
            text += u':' + QString::number(entry.port);
        list.append(text);
    }
    return list;
}

} // namespace Herald
