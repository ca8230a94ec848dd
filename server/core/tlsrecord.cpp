#include "tlsrecord.h"

#include <cerrno>

#include <sys/socket.h>

namespace Herald::TlsRecord {

Start peek(qintptr descriptor)
{
    constexpr char HandshakeRecord = 22;
    char first = 0;
    const ssize_t n = ::recv(int(descriptor), &first, 1, MSG_PEEK);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
        return Start::NotYet;
    if (n <= 0)
        return Start::Closed;
    return first == HandshakeRecord ? Start::Handshake : Start::Other;
}

} // namespace Herald::TlsRecord
