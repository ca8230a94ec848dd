#pragma once

#include "eventfiltermodel.h"
#include "eventkinddelegate.h"

#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QToolButton>
#include <QWidget>

namespace Herald {

class EventLogModel;

// The live feed: filter by user, pause (new events wait), clear, save to a
// file. Follows the newest row unless the operator scrolled up.
class EventLogPane : public QWidget
{
    Q_OBJECT

public:
    explicit EventLogPane(EventLogModel &model, QWidget *parent = nullptr);

    QLineEdit &userFilter() { return m_userFilter; }
    QToolButton &pauseButton() { return m_pause; }
    int shownCount() const { return m_proxy.rowCount(); }
    // Writes the rows the filter shows; false and a message box on failure.
    bool saveTo(const QString &fileName);
    void save(); // asks for a file name

private:
    QWidget *makeToolRow();
    void setUpView();
    void showHeld(int held);
    void followNewest();

    EventLogModel &m_model;
    EventFilterModel m_proxy;
    EventKindDelegate m_delegate;
    QLineEdit m_userFilter;
    QToolButton m_pause;
    QToolButton m_clear;
    QToolButton m_save;
    QLabel m_held;
    QTableView m_view;
    bool m_atBottom = true;
};

} // namespace Herald
