#pragma once

#include <QObject>

class QSocketNotifier;

namespace Herald {

// Turns SIGINT and SIGTERM (stop) and SIGHUP (reload) into Qt signals in the
// thread that created it, through a socket pair (the only async-signal-safe
// way into the event loop). SIGUSR1, SIGUSR2 and SIGPIPE are ignored, so a
// stray kill -USR1 never takes the server down.
class SignalWatcher : public QObject
{
    Q_OBJECT

public:
    explicit SignalWatcher(QObject *parent = nullptr);
    ~SignalWatcher() override;

Q_SIGNALS:
    void terminationRequested(int signal);
    void reloadRequested();

private:
    void onReadable();

    QSocketNotifier *m_notifier = nullptr;
};

} // namespace Herald
