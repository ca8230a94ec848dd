#include "trafficchart.h"

#include <QPainter>

#include <cmath>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

namespace {

constexpr qint64 GapMs = 2500; // samples further apart than this are not joined
constexpr int GridSteps = 4; // horizontal grid lines above the zero line

QString formatRate(double value)
{
    if (value >= 1e6)
        return QString::number(value / 1e6, 'f', 1) + u"M"_s;
    if (value >= 1e4)
        return QString::number(value / 1e3, 'f', 1) + u"k"_s;
    return QString::number(value, 'f', value < 10 && value != std::floor(value) ? 1 : 0);
}

} // namespace

TrafficChart::TrafficChart(const TrafficHistory &history, TrafficHistory::Metric metric,
                           const QString &title, const QColor &color, QWidget *parent)
    : QWidget(parent), m_history(history), m_metric(metric), m_title(title), m_color(color)
{
    connect(&history, &TrafficHistory::changed, this, qOverload<>(&QWidget::update));
    setAttribute(Qt::WA_OpaquePaintEvent);
    m_clock.setInterval(1000);
    connect(&m_clock, &QTimer::timeout, this, qOverload<>(&QWidget::update));
    m_clock.start();
}

double TrafficChart::axisMaximum(double peak)
{
    // Four grid steps of 1, 2 or 5 times a power of ten: labels stay round.
    const double minimumStep = std::max(peak, double(GridSteps)) / GridSteps; // 1 at least
    const double power = std::pow(10.0, std::floor(std::log10(minimumStep)));
    for (double step : {1.0, 2.0, 5.0}) {
        if (minimumStep <= step * power)
            return GridSteps * step * power;
    }
    return GridSteps * 10 * power;
}

// Title line on top, value labels on the left, minute labels below the plot.
void TrafficChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.fillRect(rect(), palette().base());
    const int line = fontMetrics().height();
    painter.setPen(palette().text().color());
    painter.drawText(QRectF(8, 4, width() - 16, line), Qt::AlignLeft | Qt::AlignVCenter,
                     titleLine());
    const QRectF plot(44, line + 12, width() - 52, height() - line * 2 - 20);
    if (plot.width() < 20 || plot.height() < 20)
        return;
    const double maximum = axisMaximum(m_history.peak(m_metric));
    drawGrid(painter, plot, maximum);
    drawSeries(painter, plot, maximum);
}

QString TrafficChart::titleLine() const
{
    const auto latest = m_history.latest();
    const QString now = latest ? formatRate(TrafficHistory::value(*latest, m_metric)) : u"–"_s;
    return tr("%1: %2   (peak %3)").arg(m_title, now, formatRate(m_history.peak(m_metric)));
}

void TrafficChart::drawGrid(QPainter &painter, const QRectF &plot, double maximum) const
{
    QColor gridColor = palette().text().color();
    gridColor.setAlphaF(0.15);
    QColor labelColor = palette().text().color();
    labelColor.setAlphaF(0.6);
    const int line = fontMetrics().height();
    for (int i = 0; i <= GridSteps; ++i) {
        const double y = plot.bottom() - plot.height() * i / GridSteps;
        painter.setPen(gridColor);
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter.setPen(labelColor);
        painter.drawText(QRectF(0, y - line / 2.0, plot.left() - 6, line),
                         Qt::AlignRight | Qt::AlignVCenter, formatRate(maximum * i / GridSteps));
    }
    const int minutes = m_history.windowSeconds() / 60;
    for (int m = 0; m <= minutes; ++m) {
        const double x = plot.right() - plot.width() * m / std::max(1, minutes);
        painter.setPen(gridColor);
        painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
        painter.setPen(labelColor);
        const double labelX = std::min(x - 30, width() - 62.0); // keep "now" inside
        painter.drawText(QRectF(labelX, plot.bottom() + 2, 60, line),
                         m == 0 ? Qt::AlignRight : Qt::AlignCenter,
                         m == 0 ? tr("now") : tr("-%1m").arg(m));
    }
}

QList<QPolygonF> TrafficChart::segments(const QRectF &plot, double maximum) const
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    const double windowMs = m_history.windowSeconds() * 1000.0;
    QList<QPolygonF> segments;
    QDateTime previous;
    for (const StatsSample &sample : m_history.samples()) {
        const double age = std::clamp(sample.receivedAt.msecsTo(now) / windowMs, 0.0, 1.0);
        const double value = std::min(1.0, TrafficHistory::value(sample, m_metric) / maximum);
        if (!previous.isValid() || previous.msecsTo(sample.receivedAt) > GapMs)
            segments.append(QPolygonF());
        segments.last().append(
            QPointF(plot.right() - plot.width() * age, plot.bottom() - plot.height() * value));
        previous = sample.receivedAt;
    }
    return segments;
}

void TrafficChart::drawSeries(QPainter &painter, const QRectF &plot, double maximum) const
{
    QColor fill = m_color;
    fill.setAlphaF(0.18);
    for (const QPolygonF &segment : segments(plot, maximum)) {
        QPolygonF area = segment;
        area << QPointF(segment.last().x(), plot.bottom())
             << QPointF(segment.first().x(), plot.bottom());
        painter.setPen(Qt::NoPen);
        painter.setBrush(fill);
        painter.drawPolygon(area);
        painter.setPen(QPen(m_color, 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawPolyline(segment);
    }
}

} // namespace Herald
