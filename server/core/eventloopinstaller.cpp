#include "eventloopinstaller.h"

#include "epolleventdispatcher.h"
#include "logging.h"

#include <QCoreApplication>
#include <QThread>

namespace Herald {

void EventLoopInstaller::installInMainThread(ServerConfig::EventLoop kind)
{
    if (kind != ServerConfig::EventLoop::Epoll)
        return;
    if (QCoreApplication::instance()) {
        qCWarning(lcServer) << "event loop: the application exists already; keeping its "
                               "event dispatcher";
        return;
    }
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher); // the main thread owns it
}

void EventLoopInstaller::install(QThread &thread, ServerConfig::EventLoop kind)
{
    if (kind != ServerConfig::EventLoop::Epoll)
        return;
    // Too late once the thread has a dispatcher: Qt would refuse ours, and leak it.
    if (thread.eventDispatcher()) {
        qCWarning(lcServer) << "event loop: thread" << thread.objectName()
                            << "already has an event dispatcher; keeping it";
        return;
    }
    thread.setEventDispatcher(new EpollEventDispatcher); // the thread owns it
}

} // namespace Herald
