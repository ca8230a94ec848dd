#include "connectionindicator.h"

#include "monitor.h"

#include <QHBoxLayout>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

ConnectionIndicator::ConnectionIndicator(Monitor &monitor, QWidget *parent)
    : QWidget(parent), m_monitor(monitor)
{
    auto *layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->addWidget(&m_dot);
    layout->addWidget(&m_text, 1);
    m_dot.setFixedSize(12, 12);
    m_text.setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_ticker.setInterval(1000);
    connect(&m_ticker, &QTimer::timeout, this, &ConnectionIndicator::refresh);
    connect(&monitor.client(), &AdminClient::stateChanged, this, &ConnectionIndicator::refresh);
    m_ticker.start();
    refresh();
}

QColor ConnectionIndicator::colorFor(AdminClient::State state)
{
    switch (state) {
    case AdminClient::State::Live:
        return QColor(0x2e, 0x7d, 0x32);
    case AdminClient::State::Connecting:
    case AdminClient::State::Syncing:
    case AdminClient::State::Waiting:
        return QColor(0xef, 0x8f, 0x00);
    case AdminClient::State::Refused:
        return QColor(0xc6, 0x28, 0x28);
    case AdminClient::State::Disconnected:
        break;
    }
    return QColor(0x90, 0xa4, 0xae);
}

void ConnectionIndicator::refresh()
{
    const QColor color = colorFor(m_monitor.client().state());
    m_dot.setStyleSheet(u"background: %1; border-radius: 6px;"_s.arg(color.name()));
    m_text.setText(m_monitor.statusText());
}

} // namespace Herald
