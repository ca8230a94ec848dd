#pragma once

#include "connectednodedelegate.h"

#include <QTableView>
#include <QWidget>

namespace Herald {

class NodeStatsModel;

// The nodes of a cluster: one row per node with its sessions, rates, memory
// and uptime, the node this console is connected to in bold. MainWindow shows
// its dock only while the model has rows (a server with a broker).
class NodesPane : public QWidget
{
    Q_OBJECT

public:
    explicit NodesPane(NodeStatsModel &model, QWidget *parent = nullptr);

    QTableView &view() { return m_view; }
    QSize sizeHint() const override;

private:
    ConnectedNodeDelegate m_delegate;
    QTableView m_view;
};

} // namespace Herald
