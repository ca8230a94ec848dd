#include "acceptloop.h"

#include "logging.h"

#include <QSocketNotifier>

#include <cerrno>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace Herald {

namespace {

constexpr int Batch = 64; // then back to the event loop, which calls again

std::pair<QHostAddress, quint16> peerOf(const sockaddr_storage &address)
{
    quint16 port = 0;
    if (address.ss_family == AF_INET)
        port = ntohs(reinterpret_cast<const sockaddr_in *>(&address)->sin_port);
    else if (address.ss_family == AF_INET6)
        port = ntohs(reinterpret_cast<const sockaddr_in6 *>(&address)->sin6_port);
    return {QHostAddress(reinterpret_cast<const sockaddr *>(&address)), port};
}

} // namespace

AcceptLoop::AcceptLoop(Accepted accepted, Paused paused, QObject *parent)
    : QObject(parent), m_accepted(std::move(accepted)), m_paused(std::move(paused))
{
    m_resume.setSingleShot(true);
    m_resume.setInterval(PauseMs);
    connect(&m_resume, &QTimer::timeout, this, [this] {
        if (m_notifier)
            m_notifier->setEnabled(true);
    });
}

AcceptLoop::~AcceptLoop()
{
    stop();
}

void AcceptLoop::start(qintptr listeningDescriptor)
{
    stop();
    // A descriptor of its own for the same socket: QTcpServer turns the
    // notifier of its descriptor on and off, and an event dispatcher keeps one
    // notifier per descriptor and kind.
    m_listening = ::fcntl(int(listeningDescriptor), F_DUPFD_CLOEXEC, 0);
    if (m_listening < 0) {
        qCWarning(lcServer).noquote() << "cannot accept:" << qt_error_string(errno);
        return;
    }
    m_notifier = new QSocketNotifier(m_listening, QSocketNotifier::Read, this);
    connect(m_notifier, &QSocketNotifier::activated, this, &AcceptLoop::acceptReady);
}

void AcceptLoop::stop()
{
    delete m_notifier;
    m_notifier = nullptr;
    m_resume.stop();
    if (m_listening >= 0)
        ::close(int(m_listening));
    m_listening = -1;
}

void AcceptLoop::acceptReady()
{
    for (int i = 0; i < Batch && m_notifier; ++i) {
        sockaddr_storage address{};
        socklen_t length = sizeof(address);
        const int descriptor = ::accept4(int(m_listening), reinterpret_cast<sockaddr *>(&address),
                                         &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (descriptor >= 0) {
            const auto [peer, port] = peerOf(address);
            m_accepted(descriptor, peer, port);
        } else if (errno == EMFILE || errno == ENFILE || errno == ENOBUFS || errno == ENOMEM) {
            return pause(errno);
        } else if (errno != EINTR && errno != ECONNABORTED) {
            return; // EAGAIN: nothing more to accept
        }
    }
}

void AcceptLoop::pause(int error)
{
    m_notifier->setEnabled(false);
    m_resume.start();
    m_paused(error);
}

} // namespace Herald
