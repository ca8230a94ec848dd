#pragma once

#include <QHostAddress>
#include <QObject>
#include <QTimer>

#include <functional>

class QSocketNotifier;

namespace Herald {

// Accepts the connections of a listening socket in its owner's thread, in
// batches, with non-blocking close-on-exec descriptors. When accept() runs out
// of descriptors (EMFILE, ENFILE, ENOBUFS, ENOMEM) it stops for PauseMs and
// then tries again; the connections wait in the kernel's backlog meanwhile.
// QTcpServer 6.4 does neither well: it retries EMFILE in a busy loop.
//
// Use it on a QTcpServer that listens and whose own accepting is paused. It
// watches a duplicate of the listening descriptor.
class AcceptLoop : public QObject
{
    Q_OBJECT

public:
    static constexpr int PauseMs = 100;

    // Gets each accepted descriptor, which it then owns, and the peer.
    using Accepted = std::function<void(int descriptor, const QHostAddress &peer, quint16 port)>;
    // Told of each pause, with the errno of the failed accept().
    using Paused = std::function<void(int error)>;

    AcceptLoop(Accepted accepted, Paused paused, QObject *parent = nullptr);
    ~AcceptLoop() override;

    void start(qintptr listeningDescriptor);
    void stop();

private:
    void acceptReady();
    void pause(int error);

    Accepted m_accepted;
    Paused m_paused;
    qintptr m_listening = -1;
    QSocketNotifier *m_notifier = nullptr;
    QTimer m_resume;
};

} // namespace Herald
