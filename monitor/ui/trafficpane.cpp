#include "trafficpane.h"

#include "sessionformat.h"
#include "traffichistory.h"

#include <QLocale>
#include <QVBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

TrafficPane::TrafficPane(const TrafficHistory &history, QWidget *parent)
    : QWidget(parent),
      m_history(history),
      m_pushes(history, TrafficHistory::Metric::PushesPerSecond, tr("Pushes/s"),
               QColor(0x1e, 0x6f, 0xd9)),
      m_frames(history, TrafficHistory::Metric::FramesPerSecond, tr("Frames/s"),
               QColor(0x2e, 0x7d, 0x32))
{
    auto *grid = new QGridLayout;
    grid->setHorizontalSpacing(16);
    addTotal(*grid, u"sessions"_s, tr("Sessions"));
    addTotal(*grid, u"users"_s, tr("Users"));
    addTotal(*grid, u"notifications"_s, tr("Notifications"));
    addTotal(*grid, u"broadcasts"_s, tr("Broadcasts"));
    addTotal(*grid, u"frames"_s, tr("Frames sent"));
    addTotal(*grid, u"bytes"_s, tr("Bytes/s"));
    addTotal(*grid, u"reaps"_s, tr("Heartbeat reaps"));
    addTotal(*grid, u"rss"_s, tr("Memory (RSS)"));
    addTotal(*grid, u"uptime"_s, tr("Uptime"));
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(&m_pushes, 1);
    layout->addWidget(&m_frames, 1);
    layout->addLayout(grid);
    connect(&history, &TrafficHistory::changed, this, &TrafficPane::refreshTotals);
    refreshTotals();
}

void TrafficPane::addTotal(QGridLayout &grid, const QString &key, const QString &title)
{
    const int index = int(m_totals.size());
    auto *name = new QLabel(title + u':', this);
    auto *value = new QLabel(this);
    value->setAlignment(Qt::AlignRight | Qt::AlignVCenter);
    QFont bold = value->font();
    bold.setBold(true);
    value->setFont(bold);
    grid.addWidget(name, index / 3, (index % 3) * 2);
    grid.addWidget(value, index / 3, (index % 3) * 2 + 1);
    m_totals.insert(key, value);
}

QString TrafficPane::totalText(const QString &key) const
{
    const QLabel *label = m_totals.value(key);
    return label ? label->text() : QString();
}

void TrafficPane::refreshTotals()
{
    const auto latest = m_history.latest();
    const QLocale locale;
    const auto set = [&](const QString &key, const QString &text) {
        m_totals.value(key)->setText(latest ? text : u"–"_s);
    };
    const StatsSample sample = latest.value_or(StatsSample{});
    set(u"sessions"_s, locale.toString(sample.sessions));
    set(u"users"_s, locale.toString(sample.users));
    set(u"notifications"_s, locale.toString(sample.notifications));
    set(u"broadcasts"_s, locale.toString(sample.broadcasts));
    set(u"frames"_s, locale.toString(sample.framesSent));
    set(u"bytes"_s, locale.formattedDataSize(qint64(sample.bytesPerSecond)));
    set(u"reaps"_s, locale.toString(sample.heartbeatReaps));
    set(u"rss"_s, locale.formattedDataSize(sample.rssBytes));
    set(u"uptime"_s, SessionFormat::duration(sample.uptimeSeconds));
}

} // namespace Herald
