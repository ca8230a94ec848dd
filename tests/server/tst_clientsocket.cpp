#include "ws/clientsocket.h"
#include "ws/leansocketbuffers.h"

#include <QHostAddress>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>

#include <poll.h>
#include <sys/socket.h>

#include <memory>

using namespace Herald;
using namespace Qt::Literals::StringLiterals;

namespace {

// Hands out accepted descriptors untouched, as the acceptor does.
class DescriptorServer : public QTcpServer
{
public:
    QList<qintptr> descriptors;

protected:
    void incomingConnection(qintptr descriptor) override { descriptors.append(descriptor); }
};

// Reads exactly \a size bytes from \a descriptor, waiting in poll() for them.
QByteArray receive(qintptr descriptor, qsizetype size)
{
    QByteArray bytes(size, Qt::Uninitialized);
    qsizetype got = 0;
    pollfd readable{int(descriptor), POLLIN, 0};
    while (got < size && ::poll(&readable, 1, 10000) == 1) {
        const ssize_t read = ::recv(int(descriptor), bytes.data() + got, size_t(size - got), 0);
        if (read <= 0)
            break;
        got += read;
    }
    bytes.truncate(got);
    return bytes;
}

QByteArray pattern(qsizetype size, char seed)
{
    QByteArray bytes(size, Qt::Uninitialized);
    for (qsizetype i = 0; i < size; ++i)
        bytes[i] = char(seed + i % 61);
    return bytes;
}

} // namespace

// ClientSocket adopts a descriptor whose first bytes the acceptor has read, with
// LeanSocketBuffers: no chunk kept in either buffer, and every byte in order; and
// with TCP_NODELAY.
class TestClientSocket : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<DescriptorServer>();
        QVERIFY(m_server->listen(QHostAddress::LocalHost));
        m_client = std::make_unique<QTcpSocket>();
        m_client->connectToHost(QHostAddress::LocalHost, m_server->serverPort());
        QVERIFY(m_client->waitForConnected(10000));
        QTRY_COMPARE_WITH_TIMEOUT(m_server->descriptors.size(), 1, 10000);
    }

    void cleanup()
    {
        m_client.reset();
        m_server.reset();
    }

    void adoptedSocketKeepsNoChunks()
    {
        ClientSocket socket(1 << 20);
        QVERIFY(socket.adopt(m_server->descriptors.first(), "GET / HTTP/1.1\r\n\r\n", 18));
        QCOMPARE(LeanSocketBuffers::readChunkSize(socket), 0);
        QCOMPARE(LeanSocketBuffers::writeChunkSize(socket), 0);
        // No Nagle delay behind an unacknowledged ping.
        QCOMPARE(socket.socketOption(QAbstractSocket::LowDelayOption).toInt(), 1);
        // Qt's own defaults, which an idle session would otherwise hold on to.
        QTcpSocket plain;
        QVERIFY(plain.setSocketDescriptor(::dup(int(m_client->socketDescriptor()))));
        QVERIFY(LeanSocketBuffers::readChunkSize(plain) > 0);
        QVERIFY(LeanSocketBuffers::writeChunkSize(plain) > 0);
    }

    // What the acceptor read comes first, then what was still in the kernel, then
    // what arrives later.
    void readsEveryByteInOrder()
    {
        const qintptr descriptor = m_server->descriptors.first();
        const QByteArray head = "GET /ws HTTP/1.1\r\nHost: x\r\n\r\n";
        const QByteArray early = pattern(300, 'a');
        const QByteArray late = pattern(100000, 'A');
        m_client->write(head + early);
        QVERIFY(m_client->waitForBytesWritten(10000));
        // The acceptor's part: the head and a few bytes after it, taken from the kernel.
        const QByteArray received = receive(descriptor, head.size() + 20);
        QCOMPARE(received.size(), head.size() + 20);
        ClientSocket socket(1 << 20);
        QVERIFY(socket.adopt(descriptor, received, head.size()));
        QByteArray all;
        connect(&socket, &QIODevice::readyRead, &socket, [&] { all += socket.readAll(); });
        all += socket.readAll();
        m_client->write(late);
        QTRY_COMPARE_WITH_TIMEOUT(all.size(), head.size() + early.size() + late.size(), 20000);
        QCOMPARE(all, head + early + late);
    }

    // Writes larger than any chunk, one queued behind another, arrive whole.
    void writesEveryByteInOrder()
    {
        ClientSocket socket(1 << 20);
        QVERIFY(socket.adopt(m_server->descriptors.first(), {}, 0));
        const QByteArray first = pattern(3 << 20, 'a');
        const QByteArray second = pattern(70000, 'A');
        const QByteArray third = "end";
        socket.write(first);
        socket.write(second);
        socket.write(third.constData(), third.size());
        QByteArray all;
        connect(m_client.get(), &QIODevice::readyRead, m_client.get(),
                [&] { all += m_client->readAll(); });
        const qsizetype total = first.size() + second.size() + third.size();
        QTRY_COMPARE_WITH_TIMEOUT(all.size(), total, 30000);
        QCOMPARE(all, first + second + third);
        QTRY_COMPARE_WITH_TIMEOUT(socket.bytesToWrite(), 0, 10000);
    }

private:
    std::unique_ptr<DescriptorServer> m_server;
    std::unique_ptr<QTcpSocket> m_client;
};

QTEST_GUILESS_MAIN(TestClientSocket)
#include "tst_clientsocket.moc"
