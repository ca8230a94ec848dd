#pragma once

#include <QObject>

class QSocketNotifier;

namespace Herald {

// Turns SIGINT and SIGTERM into a Qt signal in the thread that created it,
// through a socket pair (the only async-signal-safe way into the event loop).
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signal);

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Herald
