#pragma once

#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QTimer>
#include <QWidget>

namespace Herald {

class SessionActions;
class SessionModel;

// The live sessions: a filter box over a sortable table, with a context menu
// of session actions. Filtering matches any column, case-insensitively. The
// visible rows are repainted every second so that "last pong" ages move.
class SessionsPane : public QWidget
{
    Q_OBJECT

public:
    SessionsPane(SessionModel &model, SessionActions &actions, QWidget *parent = nullptr);

    QLineEdit &filterEdit() { return m_filter; }
    QTableView &view() { return m_view; }
    int shownCount() const { return m_proxy.rowCount(); }

Q_SIGNALS:
    void countsChanged(int shown, int sessions, int users);

private:
    void setUpView();
    void showMenu(const QPoint &position);
    void reportCounts();

    SessionModel &m_model;
    SessionActions &m_actions;
    QSortFilterProxyModel m_proxy;
    QLineEdit m_filter;
    QTableView m_view;
    QTimer m_ageTimer;
};

} // namespace Herald
