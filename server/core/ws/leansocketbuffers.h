#pragma once

#include <QByteArray>

class QAbstractSocket;

namespace Herald {

/*
    Makes a plain session socket's buffers hold memory only while they hold
    bytes. Once used, each of Qt's socket buffers keeps one chunk for reuse:
    16 KiB for reading and 32 KiB for writing, held for the life of the
    socket. An idle session would hold both for good, and with sessions
    coming and going the freed chunks fragment the heap. With a chunk size
    of 0 a buffer allocates what it is asked for and frees it once emptied,
    and a QByteArray written whole is queued shared instead of copied.

    Qt 6.4 offers no public way to set a socket's chunk sizes, so this uses
    its private API (QIODevicePrivate, from Debian's qt6-base-private-dev).
    The build checks the Qt version it was written against.
*/
class LeanSocketBuffers
{
public:
    // Call right after setSocketDescriptor(): sets both chunk sizes to 0 and
    // puts \a received (bytes the acceptor read already) in the still empty
    // read buffer, shared rather than copied.
    static void apply(QAbstractSocket &socket, const QByteArray &received);

    // The chunk sizes of \a socket's read and write buffers (for tests).
    static int readChunkSize(QAbstractSocket &socket);
    static int writeChunkSize(QAbstractSocket &socket);
};

} // namespace Herald
