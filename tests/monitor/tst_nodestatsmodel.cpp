#include "nodestatsmodel.h"
#include "statssample.h"

#include <QAbstractItemModelTester>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLocale>
#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// NodeStatsModel: rows keyed by node name across stats frames — inserted,
// changed in place, removed, never reset — and the connected node marked.
class TestNodeStatsModel : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void cleanup();
    void rowsAppearSorted();
    void updatesInPlace();
    void identicalFrameChangesNothing();
    void nodesJoinAndLeave();
    void clearedByFrameWithoutNodes();
    void clearedOnDemand();
    void marksConnectedNode();
    void showsFigures();

private:
    // A stats frame from \a connected with one entry per {node, sessions}.
    static StatsSample frame(const QString &connected, const QList<QPair<QString, int>> &nodes);
    QStringList names() const;

    std::unique_ptr<NodeStatsModel> m_model;
    std::unique_ptr<QAbstractItemModelTester> m_tester;
};

StatsSample TestNodeStatsModel::frame(const QString &connected,
                                      const QList<QPair<QString, int>> &nodes)
{
    QJsonObject json{{u"type"_s, u"stats"_s}, {u"sessions"_s, 0}};
    QJsonArray list;
    for (const auto &[node, sessions] : nodes)
        list.append(QJsonObject{{u"node"_s, node},
                                {u"sessions"_s, sessions},
                                {u"users"_s, sessions / 2},
                                {u"pushes_per_s"_s, 1.5},
                                {u"rss_bytes"_s, 1 << 20},
                                {u"uptime_s"_s, 65}});
    if (!connected.isEmpty()) {
        json.insert(u"node"_s, connected);
        json.insert(u"nodes"_s, list);
    }
    return *StatsSample::fromJson(json, QDateTime::currentDateTimeUtc());
}

QStringList TestNodeStatsModel::names() const
{
    QStringList result;
    for (int row = 0; row < m_model->rowCount(); ++row)
        result.append(m_model->index(row, NodeStatsModel::NodeColumn).data().toString());
    return result;
}

void TestNodeStatsModel::init()
{
    m_model = std::make_unique<NodeStatsModel>();
    m_tester = std::make_unique<QAbstractItemModelTester>(
        m_model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
}

void TestNodeStatsModel::cleanup()
{
    m_tester.reset();
    m_model.reset();
}

void TestNodeStatsModel::rowsAppearSorted()
{
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy count(m_model.get(), &NodeStatsModel::nodeCountChanged);
    m_model->update(frame(u"a:1"_s, {{u"c:1"_s, 3}, {u"a:1"_s, 1}, {u"b:1"_s, 2}}));
    QCOMPARE(names(), QStringList({u"a:1"_s, u"b:1"_s, u"c:1"_s}));
    QCOMPARE(inserted.size(), 3);
    QCOMPARE(count.size(), 1);
    QCOMPARE(count.at(0).at(0).toInt(), 3);
    QCOMPARE(m_model->rowOf(u"c:1"_s), 2);
    QCOMPARE(m_model->nodeAt(2).sessions, 3);
}

void TestNodeStatsModel::updatesInPlace()
{
    m_model->update(frame(u"a:1"_s, {{u"a:1"_s, 1}, {u"b:1"_s, 2}, {u"c:1"_s, 3}}));
    const QPersistentModelIndex b = m_model->index(1, NodeStatsModel::SessionsColumn);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy count(m_model.get(), &NodeStatsModel::nodeCountChanged);

    m_model->update(frame(u"a:1"_s, {{u"a:1"_s, 1}, {u"b:1"_s, 20}, {u"c:1"_s, 3}}));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(inserted.size(), 0);
    QCOMPARE(removed.size(), 0);
    QCOMPARE(count.size(), 0);
    QCOMPARE(changed.size(), 1); // only b's row
    QCOMPARE(changed.at(0).at(0).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().row(), 1);
    QCOMPARE(changed.at(0).at(1).toModelIndex().column(), NodeStatsModel::ColumnCount - 1);
    QVERIFY(b.isValid());
    QCOMPARE(b.data().toString(), QLocale().toString(20));
}

void TestNodeStatsModel::identicalFrameChangesNothing()
{
    m_model->update(frame(u"a:1"_s, {{u"a:1"_s, 1}, {u"b:1"_s, 2}}));
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    m_model->update(frame(u"a:1"_s, {{u"b:1"_s, 2}, {u"a:1"_s, 1}}));
    QCOMPARE(changed.size(), 0);
    QCOMPARE(inserted.size(), 0);
}

void TestNodeStatsModel::nodesJoinAndLeave()
{
    m_model->update(frame(u"b:1"_s, {{u"b:1"_s, 1}, {u"d:1"_s, 2}}));
    const QPersistentModelIndex b = m_model->index(0, 0);
    const QPersistentModelIndex d = m_model->index(1, 0);
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy inserted(m_model.get(), &QAbstractItemModel::rowsInserted);
    QSignalSpy removed(m_model.get(), &QAbstractItemModel::rowsRemoved);

    // d leaves; a (before b) and c (after it) join.
    m_model->update(frame(u"b:1"_s, {{u"a:1"_s, 5}, {u"b:1"_s, 1}, {u"c:1"_s, 6}}));
    QCOMPARE(names(), QStringList({u"a:1"_s, u"b:1"_s, u"c:1"_s}));
    QCOMPARE(reset.size(), 0);
    QCOMPARE(removed.size(), 1);
    QCOMPARE(inserted.size(), 2);
    QVERIFY(!d.isValid());
    QVERIFY(b.isValid()); // b's row moved down, its index with it
    QCOMPARE(b.row(), 1);
    QCOMPARE(b.data().toString(), u"b:1"_s);
    QCOMPARE(m_model->nodeAt(0).sessions, 5);
}

void TestNodeStatsModel::clearedByFrameWithoutNodes()
{
    m_model->update(frame(u"a:1"_s, {{u"a:1"_s, 1}, {u"b:1"_s, 2}}));
    QSignalSpy reset(m_model.get(), &QAbstractItemModel::modelAboutToBeReset);
    QSignalSpy count(m_model.get(), &NodeStatsModel::nodeCountChanged);
    m_model->update(frame({}, {})); // the server runs without a broker now
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(reset.size(), 0);
    QCOMPARE(count.size(), 1);
    QCOMPARE(count.at(0).at(0).toInt(), 0);
    QVERIFY(m_model->connectedNode().isEmpty());
}

void TestNodeStatsModel::clearedOnDemand()
{
    m_model->update(frame(u"a:1"_s, {{u"a:1"_s, 1}}));
    QSignalSpy count(m_model.get(), &NodeStatsModel::nodeCountChanged);
    m_model->clear();
    QCOMPARE(m_model->rowCount(), 0);
    QCOMPARE(count.size(), 1);
    m_model->clear(); // already empty: nothing to tell
    QCOMPARE(count.size(), 1);
}

void TestNodeStatsModel::marksConnectedNode()
{
    m_model->update(frame(u"b:1"_s, {{u"a:1"_s, 1}, {u"b:1"_s, 2}}));
    QCOMPARE(m_model->connectedNode(), u"b:1"_s);
    for (int column = 0; column < NodeStatsModel::ColumnCount; ++column) {
        QVERIFY(!m_model->index(0, column).data(NodeStatsModel::ConnectedRole).toBool());
        QVERIFY(m_model->index(1, column).data(NodeStatsModel::ConnectedRole).toBool());
    }
    QVERIFY(m_model->index(1, 0).data(Qt::ToolTipRole).toString().contains(u"this node"_s));
    QVERIFY(!m_model->index(0, 0).data(Qt::ToolTipRole).toString().contains(u"this node"_s));

    // Reconnected to a: the same figures, but the mark moves.
    QSignalSpy changed(m_model.get(), &QAbstractItemModel::dataChanged);
    m_model->update(frame(u"a:1"_s, {{u"a:1"_s, 1}, {u"b:1"_s, 2}}));
    QCOMPARE(changed.size(), 1);
    QVERIFY(m_model->index(0, 0).data(NodeStatsModel::ConnectedRole).toBool());
    QVERIFY(!m_model->index(1, 0).data(NodeStatsModel::ConnectedRole).toBool());
}

void TestNodeStatsModel::showsFigures()
{
    QJsonObject json{{u"type"_s, u"stats"_s}, {u"sessions"_s, 7}, {u"node"_s, u"a:1"_s}};
    json.insert(u"nodes"_s,
                QJsonArray{QJsonObject{{u"node"_s, u"a:1"_s},
                                       {u"sessions"_s, 1234},
                                       {u"users"_s, 80},
                                       {u"pushes_per_s"_s, 3.0},
                                       {u"frames_per_s"_s, 5.25},
                                       {u"bytes_per_s"_s, 2048.0},
                                       {u"rss_bytes"_s, 123456789},
                                       {u"uptime_s"_s, 3725}},
                           QJsonObject{{u"node"_s, u"b:1"_s}}});
    m_model->update(*StatsSample::fromJson(json, QDateTime::currentDateTimeUtc()));
    const QLocale locale;
    const auto text
        = [this](int row, int column) { return m_model->index(row, column).data().toString(); };
    QCOMPARE(text(0, NodeStatsModel::SessionsColumn), locale.toString(1234));
    QCOMPARE(text(0, NodeStatsModel::UsersColumn), locale.toString(80));
    QCOMPARE(text(0, NodeStatsModel::PushesColumn), locale.toString(3.0, 'f', 1));
    QCOMPARE(text(0, NodeStatsModel::FramesColumn), locale.toString(5.25, 'f', 1));
    QCOMPARE(text(0, NodeStatsModel::SentColumn), locale.formattedDataSize(2048) + u"/s"_s);
    QCOMPARE(text(0, NodeStatsModel::MemoryColumn), locale.formattedDataSize(123456789));
    QCOMPARE(text(0, NodeStatsModel::UptimeColumn), u"1h 2m"_s);
    // b sent only its name: counts read 0, memory and uptime blank (unknown).
    QCOMPARE(text(1, NodeStatsModel::SessionsColumn), locale.toString(0));
    QCOMPARE(text(1, NodeStatsModel::MemoryColumn), QString());
    QCOMPARE(text(1, NodeStatsModel::UptimeColumn), QString());
    QCOMPARE(m_model->headerData(NodeStatsModel::SentColumn, Qt::Horizontal).toString(), u"Sent"_s);
}

QTEST_GUILESS_MAIN(TestNodeStatsModel)
#include "tst_nodestatsmodel.moc"
