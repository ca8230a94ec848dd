#include "pushstream.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkReply>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald::Test {
namespace {

constexpr int AnswerTimeoutMs = 30000; // a busy two-core machine runs several suites at once

} // namespace

PushStream::PushStream(QUrl apiBase, QByteArray apiKey, QString user, QObject *parent)
    : QObject(parent),
      m_url(apiBase.resolved(QUrl(u"/api/v1/notify"_s))),
      m_authorization("Bearer " + apiKey),
      m_user(std::move(user))
{ }

void PushStream::start()
{
    m_running = true;
    if (!m_inFlight)
        sendNext();
}

void PushStream::stop()
{
    m_running = false;
}

int PushStream::count(int status) const
{
    return int(std::count_if(m_answers.cbegin(), m_answers.cend(),
                             [status](const Answer &answer) { return answer.status == status; }));
}

QList<PushStream::Answer> PushStream::accepted() const
{
    QList<Answer> result;
    for (const Answer &answer : m_answers) {
        if (answer.status == 202)
            result.append(answer);
    }
    return result;
}

void PushStream::sendNext()
{
    const int n = int(m_answers.size()) + 1;
    QNetworkRequest request(m_url);
    request.setRawHeader("Authorization", m_authorization);
    request.setHeader(QNetworkRequest::ContentTypeHeader, "application/json"_ba);
    request.setTransferTimeout(AnswerTimeoutMs);
    const QJsonObject body{{u"users"_s, QJsonArray{m_user}}, {u"data"_s, QJsonObject{{u"n"_s, n}}}};
    QNetworkReply *reply
        = m_network.post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    m_inFlight = true;
    connect(reply, &QNetworkReply::finished, this, [this, reply, n] { onFinished(reply, n); });
}

void PushStream::onFinished(QNetworkReply *reply, int n)
{
    reply->deleteLater();
    m_inFlight = false;
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    Answer answer;
    answer.n = n;
    answer.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    answer.seq = json.value(u"seq"_s).toObject().value(m_user).toInteger();
    answer.errorCode = json.value(u"error"_s).toObject().value(u"code"_s).toString();
    m_answers.append(answer);
    if (m_running)
        sendNext();
}

} // namespace Herald::Test
