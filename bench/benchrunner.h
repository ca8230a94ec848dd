#pragma once

#include "benchclients.h"
#include "benchoptions.h"
#include "deliverytracker.h"
#include "pushplan.h"

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <memory>

namespace Herald {

class BenchReport;
class PushLoad;

// One herald-bench run: connect the sessions, drive the scenario's pushes,
// wait for the last deliveries, print the report and close everything.
class BenchRunner : public QObject
{
    Q_OBJECT

public:
    explicit BenchRunner(const BenchOptions &options, QObject *parent = nullptr);
    ~BenchRunner() override;

    void start();

Q_SIGNALS:
    // 0: every push delivered exactly once; 1: something lost, duplicated,
    // refused or dropped; 2: no session could connect.
    void finished(int exitCode);

private:
    void onConnected();
    void startLoad();
    void onLoadFinished();
    void pollDrain();
    void finish();
    QByteArray nextBody(int seq);
    void addConnectFigures(BenchReport &report) const;
    void addPushFigures(BenchReport &report) const;
    void addDeliveryFigures(BenchReport &report, const DeliveryVerdict &verdict) const;
    bool passed(const DeliveryVerdict &verdict) const;

    BenchOptions m_options;
    QElapsedTimer m_clock;
    PushPlan m_plan;
    DeliveryTracker m_tracker;
    BenchClients m_clients;
    std::unique_ptr<PushLoad> m_load;
    QTimer m_drainPoll;
    qint64 m_framesAtLastPoll = 0;
    qint64 m_lastProgressNs = 0;
    int m_exitCode = 0;
};

} // namespace Herald
