#pragma once

#include "adminendpoint.h"

#include <QNetworkAccessManager>
#include <QObject>

namespace Herald {

// Qt 6.4's QWebSocket reports a refused upgrade (401, 404) exactly like a
// refused TCP connection. After a failed upgrade, one plain GET to /admin
// with the same token tells them apart.
class HandshakeProbe : public QObject
{
    Q_OBJECT

public:
    enum class Verdict {
        Unreachable, // no HTTP answer at all: keep retrying
        Unauthorized, // 401: the admin token is wrong
        NotEnabled, // 404: the server has no admin token configured
        Retry, // anything else (426 means the upgrade should work)
    };
    Q_ENUM(Verdict)

    explicit HandshakeProbe(QObject *parent = nullptr);

    void probe(const AdminEndpoint &endpoint); // one probe at a time; a new one aborts the last
    void abort();

Q_SIGNALS:
    void finished(Herald::HandshakeProbe::Verdict verdict, const QString &detail);

private:
    void onFinished(QNetworkReply *reply);

    QNetworkAccessManager m_network;
    QNetworkReply *m_reply = nullptr;
};

} // namespace Herald
