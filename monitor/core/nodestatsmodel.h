#pragma once

#include "nodestats.h"

#include <QAbstractTableModel>
#include <QList>

namespace Herald {

struct StatsSample;

// The live nodes of a cluster, one row per node, sorted by node name, from the
// "nodes" of each stats frame. Rows keep their identity by name across frames:
// nodes that appear are inserted, nodes that go are removed, the others change
// in place (dataChanged, never a reset), so a view's selection survives. The
// node the console is connected to answers ConnectedRole (ConnectedNodeDelegate
// draws it bold) and says so in its tooltip. Empty for a single node.
class NodeStatsModel : public QAbstractTableModel
{
    Q_OBJECT

public:
    enum Column {
        NodeColumn,
        SessionsColumn,
        UsersColumn,
        PushesColumn,
        FramesColumn,
        SentColumn, // bytes/s
        MemoryColumn,
        UptimeColumn,
        ColumnCount
    };
    enum Role {
        NodeNameRole = Qt::UserRole + 1,
        ConnectedRole, // bool: the node this console is connected to
    };

    explicit NodeStatsModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation,
                        int role = Qt::DisplayRole) const override;

    // A frame without "nodes" empties the model.
    void update(const StatsSample &sample);
    void clear();

    int nodeCount() const { return int(m_rows.size()); }
    const NodeStats &nodeAt(int row) const { return m_rows.at(row); }
    int rowOf(const QString &node) const;
    QString connectedNode() const { return m_connectedNode; }

Q_SIGNALS:
    void nodeCountChanged(int nodes); // 0: not (or no longer) a cluster

private:
    void setNodes(const QList<NodeStats> &nodes, const QString &connectedNode);
    void removeGoneRows(const QList<NodeStats> &nodes);
    QVariant display(const NodeStats &node, int column) const;

    QList<NodeStats> m_rows;
    QString m_connectedNode;
};

} // namespace Herald
