#pragma once

#include <QObject>
#include <QTimer>

namespace Herald {

// Tells systemd (Type=notify) how the service is doing, through sd_notify():
// READY=1 once both listeners are up, STOPPING=1 when the drain begins, and
// WATCHDOG=1 at half the unit's WatchdogSec while the main thread's event
// loop runs (a hung main thread gets restarted). Does nothing when not
// started by systemd (no NOTIFY_SOCKET).
class SystemdNotifier : public QObject
{
    Q_OBJECT

public:
    explicit SystemdNotifier(QObject *parent = nullptr);

    void ready(quint16 wsPort, quint16 apiPort);
    void stopping();
    void reloading();
    void reloaded();

private:
    QTimer m_watchdog;
};

} // namespace Herald
