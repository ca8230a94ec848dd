#include "admingate.h"

#include "logtext.h"
#include "secretcompare.h"

using namespace Qt::Literals::StringLiterals;

namespace Herald {

AdminGate::AdminGate(QByteArray token, QStringList allowedOrigins)
    : m_token(std::move(token)), m_allowedOrigins(std::move(allowedOrigins))
{ }

std::optional<ApiError> AdminGate::check(const QByteArray &origin,
                                         const QByteArray &authorization) const
{
    if (!origin.isEmpty()
        && !m_allowedOrigins.contains(QString::fromUtf8(origin), Qt::CaseInsensitive)) {
        return ApiError{403, u"origin_not_allowed"_s,
                        u"Origin %1 may not open the admin channel (admin_allowed_origins)"_s.arg(
                            LogText::escaped(QByteArrayView(origin), 100))};
    }
    const QByteArray given
        = authorization.startsWith("Bearer ") ? authorization.mid(7).trimmed() : QByteArray();
    if (m_token.isEmpty() || given.isEmpty() || !secretsEqual(given, m_token)) {
        return ApiError{
            401, u"unauthorized"_s,
            u"Missing or wrong admin token; send Authorization: Bearer <admin token>"_s};
    }
    return std::nullopt;
}

} // namespace Herald
