#include "admin/clusteradminwatch.h"

#include "broker/redisasynclink.h"
#include "cluster/clusterpresence.h"

#include <QJsonDocument>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

ClusterAdminWatch::ClusterAdminWatch(BrokerAddress address, QObject *parent)
    : QObject(parent), m_address(std::move(address))
{ }

ClusterAdminWatch::~ClusterAdminWatch()
{
    stop();
}

void ClusterAdminWatch::start()
{
    if (m_link)
        return;
    const QByteArray channel(ClusterPresence::AdminChannel);
    m_link = new RedisAsyncLink(m_address, u"admin"_s, this);
    connect(m_link, &RedisAsyncLink::ready, this, [this, channel] {
        m_link->subscribe(channel, [this](const QByteArray &payload) {
            const QJsonObject message = QJsonDocument::fromJson(payload).object();
            if (!message.isEmpty())
                Q_EMIT announced(message);
        });
    });
    connect(m_link, &RedisAsyncLink::subscribed, this, [this, channel](const QByteArray &name) {
        if (name != channel)
            return;
        m_watching = true;
        Q_EMIT watching();
    });
    connect(m_link, &RedisAsyncLink::lost, this, [this] {
        if (std::exchange(m_watching, false))
            Q_EMIT lost();
    });
    m_link->open();
}

void ClusterAdminWatch::stop()
{
    delete m_link;
    m_link = nullptr;
    m_watching = false;
}

} // namespace Herald
