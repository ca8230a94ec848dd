#include "systemdnotifier.h"

#include <QByteArray>

#include <unistd.h>

#include <systemd/sd-daemon.h>

namespace Herald {

SystemdNotifier::SystemdNotifier(QObject *parent) : QObject(parent)
{
    uint64_t usec = 0;
    if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
        m_watchdog.setInterval(int(std::max<uint64_t>(usec / 2000, 1)));
        connect(&m_watchdog, &QTimer::timeout, this, [] { sd_notify(0, "WATCHDOG=1"); });
    }
}

void SystemdNotifier::ready(quint16 wsPort, quint16 apiPort)
{
    const QByteArray status = "READY=1\nSTATUS=listening: WebSocket port "
        + QByteArray::number(wsPort) + ", push API port " + QByteArray::number(apiPort)
        + "\nMAINPID=" + QByteArray::number(qint64(::getpid()));
    sd_notify(0, status.constData());
    if (m_watchdog.interval() > 0 && !m_watchdog.isActive())
        m_watchdog.start();
}

void SystemdNotifier::stopping()
{
    sd_notify(0, "STOPPING=1\nSTATUS=draining sessions");
}

void SystemdNotifier::reloading()
{
    sd_notify(0, "RELOADING=1");
}

void SystemdNotifier::reloaded()
{
    sd_notify(0, "READY=1");
}

} // namespace Herald
