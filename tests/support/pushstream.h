#pragma once

#include <QByteArray>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>
#include <QUrl>

class QNetworkReply;

namespace Herald::Test {

// Pushes to one user through one node's push API, one push after another, for as long as it
// runs: the k-th push carries the data {"n": k}. Asynchronous, so a test can kill nodes or
// Redis while pushes go on, and check afterwards what each push was answered.
class PushStream : public QObject
{
    Q_OBJECT

public:
    struct Answer
    {
        int n = 0; // the push's data {"n": n}
        int status = 0; // 0: no HTTP answer (connection lost, or no answer within 30 s)
        qint64 seq = 0; // the user's seq, from a 202
        QString errorCode; // from an error answer
    };

    PushStream(QUrl apiBase, QByteArray apiKey, QString user, QObject *parent = nullptr);

    void start();
    void stop(); // sends no further push; the one in flight still gets its answer
    bool isIdle() const { return !m_running && !m_inFlight; }

    const QList<Answer> &answers() const { return m_answers; }
    int count(int status) const; // answers with this status so far
    QList<Answer> accepted() const; // the 202 answers, in push order

private:
    void sendNext();
    void onFinished(QNetworkReply *reply, int n);

    QNetworkAccessManager m_network;
    QUrl m_url;
    QByteArray m_authorization;
    QString m_user;
    QList<Answer> m_answers;
    bool m_running = false;
    bool m_inFlight = false;
};

} // namespace Herald::Test
