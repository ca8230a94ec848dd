#include "sessioncountlabel.h"

#include <QLocale>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

SessionCountLabel::SessionCountLabel(QWidget *parent) : QLabel(parent)
{
    showCounts(0, 0, 0);
}

void SessionCountLabel::showCounts(int shown, int sessions, int users)
{
    const QLocale locale;
    QString text
        = tr("%1 sessions \u00b7 %2 users").arg(locale.toString(sessions), locale.toString(users));
    if (shown != sessions)
        text += tr(" \u00b7 %1 shown").arg(locale.toString(shown));
    setText(text);
}

} // namespace Herald
