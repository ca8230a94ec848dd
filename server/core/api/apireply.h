#pragma once

#include <QHttpServerResponder>
#include <QPointer>
#include <QTcpSocket>

#include <memory>

class QHttpServerResponse;

namespace Herald {

// An answer that may be written after the route handler has returned (once
// the store has committed a push). QHttpServer 6.4 only supports that through
// QFuture, which crashes when the client leaves first; this keeps a guarded
// pointer to the connection instead and writes nothing if it is gone.
//
// While the answer is pending the connection's signals are blocked, so a
// pipelined next request is not parsed (and answered) ahead of this one; they
// are unblocked, and anything that arrived meanwhile is processed, once the
// answer is written.
class ApiReply
{
public:
    ApiReply(QTcpSocket *socket, QHttpServerResponder &&responder);
    ~ApiReply(); // a reply never sent answers 500
    ApiReply(const ApiReply &) = delete;
    ApiReply &operator=(const ApiReply &) = delete;

    void send(const QHttpServerResponse &response);

private:
    void release();

    QPointer<QTcpSocket> m_socket;
    QHttpServerResponder m_responder;
    bool m_sent = false;
};

using Reply = std::shared_ptr<ApiReply>;

} // namespace Herald
