#pragma once

#include "benchoptions.h"

#include <QByteArray>
#include <QList>
#include <QRandomGenerator>
#include <QString>

namespace Herald {

// What each API call of a scenario looks like: its path, the users it targets
// and its JSON body. Users are indices 0..users-1, named "bench-<index>".
class PushPlan
{
public:
    PushPlan(Scenario scenario, int users, int fanoutUsers);

    QString path() const; // /api/v1/notify or /api/v1/broadcast
    int usersPerPush() const; // 0 for broadcasts
    // Fresh random targets for one push: distinct users, empty for broadcasts.
    QList<int> pickUsers();
    // {"users":[...],"event":"bench","data":{"seq":seq,"sent_ns":sentNs}}
    // ("users" left out for broadcasts).
    static QByteArray body(const QList<int> &users, int seq, qint64 sentNs);
    static QString userId(int user); // "bench-<user>", as in the session's token

private:
    Scenario m_scenario;
    int m_users;
    int m_fanoutUsers;
    QList<int> m_shuffle; // a permutation of the users, partially reshuffled per pick
    QRandomGenerator m_random;
};

} // namespace Herald
