#include "ws/leansocketbuffers.h"

#include <QAbstractSocket>
#include <QtCore/private/qiodevice_p.h>

// QIODevicePrivate's buffer members are Qt 6.4's; check them again before moving on.
static_assert(QT_VERSION >= QT_VERSION_CHECK(6, 4, 0) && QT_VERSION < QT_VERSION_CHECK(6, 5, 0),
              "LeanSocketBuffers uses QIODevicePrivate as of Qt 6.4");

namespace Herald {

namespace {
QIODevicePrivate &deviceOf(QAbstractSocket &socket)
{
    return *static_cast<QIODevicePrivate *>(QObjectPrivate::get(&socket));
}
} // namespace

void LeanSocketBuffers::apply(QAbstractSocket &socket, const QByteArray &received)
{
    QIODevicePrivate &device = deviceOf(socket);
    device.readBufferChunkSize = 0;
    device.writeBufferChunkSize = 0;
    device.buffer.setChunkSize(0);
    device.writeBuffer.setChunkSize(0);
    if (!received.isEmpty())
        device.buffer.append(received);
}

int LeanSocketBuffers::readChunkSize(QAbstractSocket &socket)
{
    return deviceOf(socket).buffer.chunkSize();
}

int LeanSocketBuffers::writeChunkSize(QAbstractSocket &socket)
{
    return deviceOf(socket).writeBuffer.chunkSize();
}

} // namespace Herald
