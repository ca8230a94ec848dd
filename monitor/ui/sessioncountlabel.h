#pragma once

#include <QLabel>

namespace Herald {

// "1,204 sessions · 388 users", plus "· 12 shown" while a filter is active;
// "1,204 sessions on 3 nodes · 388 users" for a cluster.
class SessionCountLabel : public QLabel
{
    Q_OBJECT

public:
    explicit SessionCountLabel(QWidget *parent = nullptr);

    void showCounts(int shown, int sessions, int users);
    void showNodes(int nodes); // 0: a single node, not named

private:
    void refresh();

    int m_shown = 0;
    int m_sessions = 0;
    int m_users = 0;
    int m_nodes = 0;
};

} // namespace Herald
