#include "pushload.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <limits>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr int ConnectionsPerManager = 6; // QNetworkAccessManager's HTTP/1.1 limit per host

} // namespace

PushLoad::PushLoad(Settings settings, const QElapsedTimer &clock, BodyFactory body, QObject *parent)
    : QObject(parent), m_settings(std::move(settings)), m_clock(clock), m_body(std::move(body))
{
    const int managers
        = (m_settings.concurrency + ConnectionsPerManager - 1) / ConnectionsPerManager;
    for (int i = 0; i < managers; ++i) {
        auto *manager = new QNetworkAccessManager(this);
        manager->setProxy(QNetworkProxy::NoProxy);
        m_managers.append(manager);
        m_managerLoad.append(0);
    }
    m_stall.setSingleShot(true);
    m_stall.setInterval(m_settings.stallMs);
    connect(&m_stall, &QTimer::timeout, this, &PushLoad::release);
}

void PushLoad::start()
{
    m_roundTripsNs.reserve(size_t(m_settings.total));
    m_credits = m_settings.paced ? 1 : std::numeric_limits<int>::max();
    pump();
    if (m_settings.total == 0)
        Q_EMIT finished();
}

void PushLoad::release()
{
    if (!m_settings.paced)
        return;
    ++m_credits;
    pump();
}

void PushLoad::pump()
{
    while (m_inFlight < m_settings.concurrency && m_next < m_settings.total && m_credits > 0) {
        if (m_settings.paced)
            --m_credits;
        send(m_next++);
    }
    if (m_settings.paced && m_next < m_settings.total && m_credits == 0)
        m_stall.start();
}

int PushLoad::idlestManager() const
{
    return int(std::min_element(m_managerLoad.cbegin(), m_managerLoad.cend())
               - m_managerLoad.cbegin());
}

void PushLoad::send(int seq)
{
    QNetworkRequest request(m_settings.endpoint);
    request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/json"_s);
    request.setRawHeader("Authorization", "Bearer " + m_settings.apiKey);
    request.setAttribute(QNetworkRequest::Http2AllowedAttribute, false);
    const int manager = idlestManager();
    const QByteArray body = m_body(seq);
    const qint64 sentNs = m_clock.nsecsElapsed();
    if (m_firstSendNs < 0)
        m_firstSendNs = sentNs;
    QNetworkReply *reply = m_managers[manager]->post(request, body);
    ++m_inFlight;
    ++m_managerLoad[manager];
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, manager, seq, sentNs] { onReply(reply, manager, seq, sentNs); });
}

void PushLoad::onReply(QNetworkReply *reply, int manager, int seq, qint64 sentNs)
{
    reply->deleteLater();
    m_lastReplyNs = m_clock.nsecsElapsed();
    m_roundTripsNs.push_back(m_lastReplyNs - sentNs);
    --m_inFlight;
    --m_managerLoad[manager];
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 202) {
        ++m_accepted;
        const QJsonObject answer = QJsonDocument::fromJson(reply->readAll()).object();
        Q_EMIT acknowledged(seq, answer.value(u"id"_s).toString());
    } else {
        fail(status ? u"HTTP %1: %2"_s.arg(status).arg(QString::fromUtf8(reply->readAll()))
                    : reply->errorString());
        release(); // nothing will be delivered: do not wait for it
    }
    pump();
    if (m_inFlight == 0 && m_next == m_settings.total) {
        m_stall.stop();
        Q_EMIT finished();
    }
}

void PushLoad::fail(const QString &error)
{
    ++m_failed;
    if (m_firstError.isEmpty())
        m_firstError = error;
}

} // namespace Herald
