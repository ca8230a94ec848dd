#pragma once

#include "config/serverconfig.h"

class QThread;

namespace Herald {

// Puts the event dispatcher that ServerConfig::eventLoop names into a thread. Qt creates
// a thread's dispatcher the first time its event loop needs one, so this has to come
// first: before the QCoreApplication for the main thread, before start() for the
// others. For EventLoop::Qt nothing is done and Qt creates its own, as it always did.
class EventLoopInstaller
{
public:
    static void installInMainThread(ServerConfig::EventLoop kind);
    static void install(QThread &thread, ServerConfig::EventLoop kind);
};

} // namespace Herald
