#include "bystander.h"

#include "apiclient.h"

#include <QJsonArray>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {

bool Bystander::receivesPush(ApiClient &api, const QString &marker, int timeoutMs)
{
    const ApiClient::Reply reply
        = api.post(u"/api/v1/notify"_s,
                   {{u"users"_s, QJsonArray{m_user}}, {u"store"_s, false}, {u"data"_s, marker}});
    if (reply.status != 202)
        return false;
    return QTest::qWaitFor(
        [&] {
            for (const ServerFrame &frame :
                 m_client.framesOfType(ServerFrame::Type::Notification)) {
                if (frame.notification.data.toString() == marker)
                    return true;
            }
            return false;
        },
        timeoutMs);
}

} // namespace Herald::Test
