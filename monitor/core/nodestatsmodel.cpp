#include "nodestatsmodel.h"

#include "admin/adminkeys.h"
#include "sessionformat.h"
#include "statssample.h"

#include <QLocale>

#include <algorithm>

using namespace Qt::Literals::StringLiterals;

namespace Herald {

NodeStatsModel::NodeStatsModel(QObject *parent) : QAbstractTableModel(parent)
{ }

int NodeStatsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int NodeStatsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant NodeStatsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const NodeStats &node = m_rows.at(index.row());
    const bool connected = node.node == m_connectedNode;
    switch (role) {
    case Qt::DisplayRole:
        return display(node, index.column());
    case Qt::ToolTipRole:
        return connected ? tr("%1: this node (the console is connected to it)").arg(node.node)
                         : node.node;
    case Qt::TextAlignmentRole:
        if (index.column() != NodeColumn)
            return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case NodeNameRole:
        return node.node;
    case ConnectedRole:
        return connected;
    }
    return {};
}

QVariant NodeStatsModel::display(const NodeStats &node, int column) const
{
    const QLocale locale;
    switch (column) {
    case NodeColumn:
        return node.node;
    case SessionsColumn:
        return locale.toString(node.sessions);
    case UsersColumn:
        return locale.toString(node.users);
    case PushesColumn:
        return locale.toString(node.pushesPerSecond, 'f', 1);
    case FramesColumn:
        return locale.toString(node.framesPerSecond, 'f', 1);
    case SentColumn:
        return tr("%1/s").arg(locale.formattedDataSize(qint64(node.bytesPerSecond)));
    case MemoryColumn: // unknown reads blank
        return node.rssBytes < 0 ? QString() : locale.formattedDataSize(node.rssBytes);
    case UptimeColumn:
        return node.uptimeSeconds < 0 ? QString() : SessionFormat::duration(node.uptimeSeconds);
    }
    return {};
}

QVariant NodeStatsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    static const QStringList titles{tr("Node"),     tr("Sessions"), tr("Users"),  tr("Pushes/s"),
                                    tr("Frames/s"), tr("Sent"),     tr("Memory"), tr("Uptime")};
    return titles.value(section);
}

int NodeStatsModel::rowOf(const QString &node) const
{
    const auto it = std::find_if(m_rows.cbegin(), m_rows.cend(),
                                 [&](const NodeStats &row) { return row.node == node; });
    return it == m_rows.cend() ? -1 : int(it - m_rows.cbegin());
}

void NodeStatsModel::update(const StatsSample &sample)
{
    setNodes(NodeStats::listFromStats(sample.others),
             sample.others.value(AdminKey::Node).toString());
}

void NodeStatsModel::clear()
{
    setNodes({}, {});
}

// Both lists are sorted by name: once the gone rows are removed, walking the
// new list either finds its node at the same row or inserts it there.
void NodeStatsModel::setNodes(const QList<NodeStats> &nodes, const QString &connectedNode)
{
    const qsizetype countBefore = m_rows.size();
    const bool markMoved = std::exchange(m_connectedNode, connectedNode) != connectedNode;
    removeGoneRows(nodes);
    int firstChanged = int(nodes.size());
    int lastChanged = -1;
    for (int row = 0; row < int(nodes.size()); ++row) {
        if (row < m_rows.size() && m_rows.at(row).node == nodes.at(row).node) {
            if (!markMoved && m_rows.at(row) == nodes.at(row))
                continue;
            m_rows[row] = nodes.at(row);
            firstChanged = std::min(firstChanged, row);
            lastChanged = row;
            continue;
        }
        beginInsertRows({}, row, row);
        m_rows.insert(row, nodes.at(row));
        endInsertRows();
    }
    if (lastChanged >= 0)
        Q_EMIT dataChanged(index(firstChanged, 0), index(lastChanged, ColumnCount - 1));
    if (m_rows.size() != countBefore)
        Q_EMIT nodeCountChanged(int(m_rows.size()));
}

void NodeStatsModel::removeGoneRows(const QList<NodeStats> &nodes)
{
    for (int row = int(m_rows.size()) - 1; row >= 0; --row) {
        const QString &name = m_rows.at(row).node;
        const bool kept = std::any_of(nodes.cbegin(), nodes.cend(),
                                      [&](const NodeStats &node) { return node.node == name; });
        if (kept)
            continue;
        beginRemoveRows({}, row, row);
        m_rows.removeAt(row);
        endRemoveRows();
    }
}

} // namespace Herald
