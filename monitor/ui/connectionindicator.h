#pragma once

#include "adminclient.h"

#include <QLabel>
#include <QTimer>
#include <QWidget>

namespace Herald {

class Monitor;

// The connection state, always in view: a coloured dot and Monitor's status
// line, refreshed on every state change and each second (retry countdown).
class ConnectionIndicator : public QWidget
{
    Q_OBJECT

public:
    explicit ConnectionIndicator(Monitor &monitor, QWidget *parent = nullptr);

    static QColor colorFor(AdminClient::State state);

private:
    void refresh();

    Monitor &m_monitor;
    QLabel m_dot;
    QLabel m_text;
    QTimer m_ticker;
};

} // namespace Herald
