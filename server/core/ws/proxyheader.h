#pragma once

#include <QByteArrayView>
#include <QHostAddress>
#include <QString>

#include <optional>

namespace Herald {

// The PROXY protocol header (HAProxy's proxy-protocol.txt) that a load balancer sends
// before anything else on a connection, naming the client it forwards:
//   v1  "PROXY TCP4|TCP6 <src> <dst> <sport> <dport>\r\n" or "PROXY UNKNOWN ...\r\n",
//       at most 107 bytes;
//   v2  the signature "\r\n\r\n\0\r\nQUIT\n", version 2, command LOCAL or PROXY, then
//       AF_INET or AF_INET6 over STREAM (or AF_UNSPEC); TLVs after the addresses are
//       skipped. At most MaxV2Bytes in all.
//
// Pure and incremental: parse() takes every byte received so far and is called again
// when more arrive. It says Invalid as soon as the bytes cannot begin a valid header,
// so a peer that sends none (plain HTTP, say) is refused at its first byte.
class ProxyHeader
{
public:
    static constexpr qsizetype MaxV1Bytes = 107;
    static constexpr qsizetype MaxV2Bytes = 4096;

    enum class Status { NeedMore, Done, Invalid };
    struct Result
    {
        Status status = Status::NeedMore;
        // Done: the client's address and port; nullopt for LOCAL (the proxy's own
        // connection, a health check), UNKNOWN and AF_UNSPEC: keep the peer's address.
        std::optional<QHostAddress> source;
        quint16 sourcePort = 0;
        qsizetype consumed = 0; // Done: the header's length; what follows is the stream's
        QString reason; // Invalid: what is wrong, for the log
    };

    static Result parse(QByteArrayView received);

private:
    static Result parseV1(QByteArrayView received);
    static Result parseV1Line(QByteArrayView line, qsizetype consumed);
    static Result parseV2(QByteArrayView received);
    static Result invalid(const QString &reason);
};

} // namespace Herald
