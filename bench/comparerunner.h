#pragma once

#include "peertarget.h"
#include "rawpusher.h"

#include <QElapsedTimer>
#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <vector>

class QWebSocket;

namespace Herald {

// The compare scenario: the same measurements against herald-server or a peer
// (the original Node design, nginx + Nchan). One session per user; then
//   connect rate       sessions / time until every upgrade completed,
//   memory per session the server's VmRSS growth / sessions, 1 s after connecting,
//                      fresh and after each round of churn (every session closed,
//                      then opened again),
//   unicast latency    open-loop at a fixed rate to random users, p50 / p99,
//   broadcast          time from sending one until its last session received it,
//   max unicast        (optional) open-loop steps of rising rate; the last one with
//                      no loss, no HTTP failure and p99 < 100 ms.
// Prints a report and "result key=value" lines for bench/compare.sh.
class CompareRunner : public QObject
{
    Q_OBJECT

public:
    struct Settings
    {
        int sessions = 1000;
        int connectBatch = 500;
        int churnRounds = 3;
        QList<qint64> serverPids; // their VmRSS and CPU time are summed
        int rate = 100; // msg/s of the latency phase
        int latencyPushes = 500;
        bool maxRate = false;
        int stepMs = 2000;
        int drainMs = 2000;
        int broadcasts = 5; // sent one at a time, each waited for (or 5 s)
    };

    CompareRunner(PeerTarget target, Settings settings, QObject *parent = nullptr);

    void start();

Q_SIGNALS:
    void finished(int exitCode);

private:
    struct Step
    {
        int rate = 0;
        int total = 0;
        int sent = 0;
        int accepted = 0;
        int failed = 0;
        int received = 0;
        qint64 startNs = 0;
        qint64 lastProgressNs = 0;
        qint64 serverCpuMs = 0;
        qint64 benchCpuMs = 0;
        std::vector<qint64> latencyNs;
    };

    void openBatch();
    void openSession(int session);
    void settle(int session, bool ok);
    void onConnected();
    void measureMemory();
    void churn();
    void onChurnClosed();
    void startStep(int rate, int total, std::function<void()> done);
    void tick();
    void onAnswer(bool ok);
    void onFrame(const QString &frame);
    void pollDrain();
    void finishStep();
    void reportLatency();
    void nextBroadcast();
    void finishBroadcast();
    void nextMaxRateStep();
    void finish();
    void result(const char *key, double value, const char *unit);

    PeerTarget m_target;
    Settings m_settings;
    QElapsedTimer m_clock;
    std::vector<QWebSocket *> m_sockets;
    std::vector<char> m_settled;
    RawPusher *m_pusher = nullptr;
    QTimer m_batchTimer;
    QTimer m_tick;
    QTimer m_drainPoll;
    int m_batchStart = 0;
    int m_next = 0;
    int m_unsettled = 0;
    int m_connected = 0;
    int m_failed = 0;
    qint64 m_connectStartNs = 0;
    qint64 m_rssBefore = -1;
    int m_churnRound = 0; // rounds of churn done
    int m_churnOpen = 0; // sessions of this round not closed yet
    Step m_step;
    bool m_stepActive = false;
    std::function<void()> m_stepDone;
    QList<int> m_rates;
    QTimer m_broadcastTimeout;
    int m_broadcastsLeft = 0;
    qint64 m_broadcastSentNs = -1; // of the broadcast in flight, -1 when none
    int m_broadcastReceived = 0;
    qint64 m_broadcastLastNs = 0;
    std::vector<qint64> m_timeToLastNs;
    int m_bestRate = 0;
    int m_exitCode = 0;
    quint32 m_random = 12345;
};

} // namespace Herald
