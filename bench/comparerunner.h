#pragma once

#include "peertarget.h"
#include "rawpusher.h"

#include <QList>
#include <QObject>
#include <QTimer>

#include <functional>
#include <map>
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
// With listen set it only connects and then notes when each broadcast reached its
// last session: several processes share a cluster's sessions (bench/cluster.sh).
// Timestamps are CLOCK_MONOTONIC, the same in every process.
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
        int firstUser = 0; // session i is user firstUser + i
        bool listen = false; // connect, then only note the broadcasts heard (see listen())
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

    struct Heard
    {
        int received = 0;
        qint64 lastNs = 0;
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
    void listen();
    void reportHeard();
    static void printHeard(qint64 sentNs, const Heard &heard);
    void finish();
    void result(const char *key, double value, const char *unit);

    PeerTarget m_target;
    Settings m_settings;
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
    QTimer m_stopPoll;
    std::map<qint64, Heard> m_heard; // broadcasts by their sent_ns, when listening
    int m_exitCode = 0;
    quint32 m_random = 12345;
};

} // namespace Herald
