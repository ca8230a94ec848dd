#include "config/brokeraddress.h"

#include <QUrl>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {
namespace {

// Redis has 16 databases unless its "databases" setting says otherwise.
constexpr int MaxDb = 1 << 20;

std::optional<int> number(const QString &text, int min, int max)
{
    bool ok = false;
    const int value = text.toInt(&ok);
    const bool digitsOnly = !text.isEmpty()
        && std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.isDigit(); });
    if (!ok || !digitsOnly || value < min || value > max)
        return std::nullopt;
    return value;
}

} // namespace

std::optional<BrokerAddress> BrokerAddress::parse(const QString &text, QString *error)
{
    const auto fail = [error](const QString &why) -> std::optional<BrokerAddress> {
        *error = why;
        return std::nullopt;
    };
    const qsizetype schemeEnd = text.indexOf(u"://"_s);
    if (schemeEnd < 0 || text.left(schemeEnd).compare(u"redis"_s, Qt::CaseInsensitive) != 0)
        return fail(u"expected a URL redis://[:password@]host:port[/db]; the scheme must be "
                    u"redis:// (rediss:// and unix sockets are not supported)"_s);
    QString rest = text.mid(schemeEnd + 3);
    BrokerAddress address;
    // The password may hold '/', '@' or ':': it ends at the last '@'.
    if (const qsizetype at = rest.lastIndexOf(u'@'); at >= 0) {
        const QString userInfo = rest.left(at);
        rest = rest.mid(at + 1);
        const qsizetype colon = userInfo.indexOf(u':');
        if (colon < 0)
            return fail(u"the password goes after a colon: redis://:password@host:port"_s);
        address.password = QUrl::fromPercentEncoding(userInfo.mid(colon + 1).toUtf8()).toUtf8();
    }
    const qsizetype slash = rest.indexOf(u'/');
    const QString hostPort = slash < 0 ? rest : rest.left(slash);
    if (slash >= 0) {
        const auto db = number(rest.mid(slash + 1), 0, MaxDb);
        if (!db)
            return fail(u"the database after '/' must be a number from 0 to %1, not '%2'"_s.arg(
                QString::number(MaxDb), rest.mid(slash + 1)));
        address.db = *db;
    }
    const bool bracketed = hostPort.startsWith(u'[');
    const qsizetype bracket = hostPort.indexOf(u"]:"_s);
    const qsizetype colon
        = bracketed ? (bracket < 0 ? -1 : bracket + 1) : hostPort.lastIndexOf(u':');
    if (colon < 0)
        return fail(u"the port is missing: redis://host:port"_s);
    address.host = hostPort.left(colon);
    if (bracketed)
        address.host = address.host.mid(1, address.host.size() - 2);
    if (address.host.isEmpty())
        return fail(u"the host is missing: redis://host:port"_s);
    const auto port = number(hostPort.mid(colon + 1), 1, 65535);
    if (!port)
        return fail(
            u"the port must be a number from 1 to 65535, not '%1'"_s.arg(hostPort.mid(colon + 1)));
    address.port = quint16(*port);
    return address;
}

QString BrokerAddress::display() const
{
    const QString host = this->host.contains(u':') ? u'[' + this->host + u']' : this->host;
    return u"redis://%1%2:%3/%4"_s.arg(password.isEmpty() ? QString() : u":***@"_s, host,
                                       QString::number(port), QString::number(db));
}

} // namespace Herald
