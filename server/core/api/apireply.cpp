#include "api/apireply.h"

#include "apierror.h"

#include <QHttpServerResponse>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

ApiReply::ApiReply(QTcpSocket *socket, QHttpServerResponder &&responder)
    : m_socket(socket), m_responder(std::move(responder))
{
    if (m_socket)
        m_socket->blockSignals(true);
}

ApiReply::~ApiReply()
{
    if (!m_sent) {
        const ApiError error{500, u"internal_error"_s, u"The request was dropped"_s};
        send(QHttpServerResponse(error.toJson(), QHttpServerResponse::StatusCode(error.status)));
    }
}

void ApiReply::send(const QHttpServerResponse &response)
{
    if (m_sent)
        return;
    m_sent = true;
    if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState)
        response.write(std::move(m_responder));
    release();
}

void ApiReply::release()
{
    if (!m_socket)
        return;
    m_socket->blockSignals(false);
    if (m_socket->state() == QAbstractSocket::UnconnectedState) {
        // Its disconnected() was swallowed while blocked: QHttpServer never saw it.
        m_socket->deleteLater();
    } else if (m_socket->bytesAvailable() > 0) {
        QMetaObject::invokeMethod(m_socket.data(), &QAbstractSocket::readyRead,
                                  Qt::QueuedConnection);
    }
}

} // namespace Herald
