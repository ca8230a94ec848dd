#pragma once

#include "tlssocket.h"

namespace Herald {

// A push-API connection, plain or TLS (TlsSocket). When one is handed to the admin channel's
// WebSocket server, stripCorsHeaders() takes the CORS headers out of the 101 answer that
// QtWebSockets 6.4 writes on every upgrade (Access-Control-Allow-Origin: <origin
// or *>): no answer on this listener invites a web page in.
class ApiSocket : public TlsSocket
{
    Q_OBJECT

public:
    using TlsSocket::TlsSocket;

    // Filters the next response head written to this socket.
    void stripCorsHeaders() { m_filtering = true; }

protected:
    qint64 writeData(const char *data, qint64 size) override;

private:
    bool m_filtering = false;
    QByteArray m_head; // the response head being filtered, until its blank line
};

} // namespace Herald
