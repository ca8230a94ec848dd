#include "sessioncountlabel.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

SessionCountLabel::SessionCountLabel(QWidget *parent) : QLabel(parent)
{
    refresh();
}

void SessionCountLabel::showCounts(int shown, int sessions, int users)
{
    m_shown = shown;
    m_sessions = sessions;
    m_users = users;
    refresh();
}

void SessionCountLabel::showNodes(int nodes)
{
    m_nodes = nodes;
    refresh();
}

void SessionCountLabel::refresh()
{
    const QLocale locale;
    QString text = tr("%1 sessions").arg(locale.toString(m_sessions));
    if (m_nodes > 0)
        text += m_nodes == 1 ? tr(" on 1 node") : tr(" on %1 nodes").arg(m_nodes);
    text += tr(" \u00b7 %1 users").arg(locale.toString(m_users));
    if (m_shown != m_sessions)
        text += tr(" \u00b7 %1 shown").arg(locale.toString(m_shown));
    setText(text);
}

} // namespace Herald
