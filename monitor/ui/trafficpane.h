#pragma once

#include "trafficchart.h"

#include <QGridLayout>
#include <QLabel>
#include <QMap>
#include <QWidget>

namespace Herald {

class TrafficHistory;

// Live charts of pushes/s and frames/s over the last five minutes, and the
// server's current totals from the newest stats sample.
class TrafficPane : public QWidget
{
    Q_OBJECT

public:
    explicit TrafficPane(const TrafficHistory &history, QWidget *parent = nullptr);

    QString totalText(const QString &key) const; // for tests: the shown value

private:
    void addTotal(QGridLayout &grid, const QString &key, const QString &title);
    void refreshTotals();

    const TrafficHistory &m_history;
    TrafficChart m_pushes;
    TrafficChart m_frames;
    QMap<QString, QLabel *> m_totals; // owned by this widget through the layout
};

} // namespace Herald
