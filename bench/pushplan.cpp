#include "pushplan.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include <algorithm>
#include <numeric>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

PushPlan::PushPlan(Scenario scenario, int users, int fanoutUsers)
    : m_scenario(scenario),
      m_users(users),
      m_fanoutUsers(std::min(fanoutUsers, users)),
      m_shuffle(users),
      m_random(QRandomGenerator::securelySeeded())
{
    std::iota(m_shuffle.begin(), m_shuffle.end(), 0);
}

QString PushPlan::path() const
{
    return m_scenario == Scenario::Broadcast ? u"/api/v1/broadcast"_s : u"/api/v1/notify"_s;
}

int PushPlan::usersPerPush() const
{
    switch (m_scenario) {
    case Scenario::Notify:
    case Scenario::Compare: // unused: CompareRunner picks its own users
        return 1;
    case Scenario::Fanout:
        return m_fanoutUsers;
    case Scenario::Broadcast:
        return 0;
    }
    return 0;
}

QList<int> PushPlan::pickUsers()
{
    // A partial Fisher-Yates shuffle: the first k entries become a uniform sample.
    const int count = usersPerPush();
    for (int i = 0; i < count; ++i)
        std::swap(m_shuffle[i], m_shuffle[i + int(m_random.bounded(m_users - i))]);
    return m_shuffle.first(count);
}

QString PushPlan::userId(int user)
{
    return u"bench-%1"_s.arg(user);
}

QByteArray PushPlan::body(const QList<int> &users, int seq, qint64 sentNs)
{
    QJsonObject push{{u"event"_s, u"bench"_s},
                     {u"data"_s, QJsonObject{{u"seq"_s, seq}, {u"sent_ns"_s, double(sentNs)}}}};
    if (!users.isEmpty()) {
        QJsonArray ids;
        for (int user : users)
            ids.append(userId(user));
        push.insert(u"users"_s, ids);
    }
    return QJsonDocument(push).toJson(QJsonDocument::Compact);
}

} // namespace Herald
