#pragma once

#include "traffichistory.h"

#include <QColor>
#include <QPolygonF>
#include <QTimer>
#include <QWidget>

namespace Herald {

// One rate over the history's window, drawn with QPainter: the newest sample
// at the right edge ("now"), a gap where samples are missing (disconnected),
// the current value and the window's peak in the title line.
class TrafficChart : public QWidget
{
    Q_OBJECT

public:
    TrafficChart(const TrafficHistory &history, TrafficHistory::Metric metric, const QString &title,
                 const QColor &color, QWidget *parent = nullptr);

    QSize sizeHint() const override { return {360, 150}; }
    QSize minimumSizeHint() const override { return {200, 100}; }

    // The axis maximum for \a peak: four grid steps of 1, 2 or 5 times a power of ten.
    static double axisMaximum(double peak);

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void drawGrid(QPainter &painter, const QRectF &plot, double maximum) const;
    void drawSeries(QPainter &painter, const QRectF &plot, double maximum) const;
    // The samples as points, one polyline per run without a gap.
    QList<QPolygonF> segments(const QRectF &plot, double maximum) const;
    QString titleLine() const;

    const TrafficHistory &m_history;
    TrafficHistory::Metric m_metric;
    QString m_title;
    QColor m_color;
    QTimer m_clock; // slides the time axis even when no sample arrives
};

} // namespace Herald
