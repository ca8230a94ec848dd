#pragma once

#include <QLabel>

namespace Herald {

// "1,204 sessions · 388 users", plus "· 12 shown" while a filter is active.
class SessionCountLabel : public QLabel
{
    Q_OBJECT

public:
    explicit SessionCountLabel(QWidget *parent = nullptr);

    void showCounts(int shown, int sessions, int users);
};

} // namespace Herald
