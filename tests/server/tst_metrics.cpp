#include "serverfixture.h"
#include "wsclient.h"

#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;
using namespace Herald::Test;

namespace {

// The Prometheus text exposition format (0.0.4), parsed by its rules: every
// sample belongs to a family whose TYPE came first and only once; names and
// labels are well-formed; counters end in _total; a histogram's buckets are
// cumulative, end with le="+Inf" and match its _count.
struct Exposition
{
    QHash<QString, QString> types; // family -> type
    QHash<QString, double> samples; // "name{labels}" -> value
    QString error;

    static Exposition parse(const QByteArray &text)
    {
        static const QRegularExpression sampleLine(
            uR"re(^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? ([^ ]+)( -?[0-9]+)?$)re"_s);
        static const QRegularExpression typeLine(
            uR"re(^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|histogram|summary|untyped)$)re"_s);
        Exposition e;
        for (const QString &line : QString::fromUtf8(text).split(u'\n')) {
            if (line.isEmpty() || (line.startsWith(u'#') && !line.startsWith(u"# TYPE"_s)))
                continue;
            if (const auto type = typeLine.match(line); type.hasMatch()) {
                if (e.types.contains(type.captured(1)))
                    return e.fail(u"TYPE twice: "_s + line);
                e.types.insert(type.captured(1), type.captured(2));
                continue;
            }
            const auto sample = sampleLine.match(line);
            if (!sample.hasMatch())
                return e.fail(u"not a sample: "_s + line);
            bool ok = false;
            const QString valueText = sample.captured(3);
            const double value = valueText == u"+Inf"_s ? qInf() : valueText.toDouble(&ok);
            if (!ok && valueText != u"+Inf"_s)
                return e.fail(u"bad value: "_s + line);
            QString family = sample.captured(1);
            for (const QString &suffix : {u"_bucket"_s, u"_sum"_s, u"_count"_s}) {
                const QString base = family.chopped(std::min(family.size(), suffix.size()));
                if (family.endsWith(suffix) && e.types.value(base) == u"histogram"_s)
                    family = base;
            }
            if (!e.types.contains(family))
                return e.fail(u"sample before its TYPE: "_s + line);
            if (e.types[family] == u"counter"_s && !family.endsWith(u"_total"_s))
                return e.fail(u"counter without _total: "_s + family);
            e.samples.insert(sample.captured(1) + sample.captured(2), value);
        }
        for (auto it = e.types.cbegin(); it != e.types.cend(); ++it) {
            if (it.value() == u"histogram"_s && !e.checkHistogram(it.key()))
                return e;
        }
        return e;
    }

    bool checkHistogram(const QString &name)
    {
        static const QRegularExpression bucket(uR"re(_bucket\{le="([^"]+)"\}$)re"_s);
        QList<std::pair<double, double>> buckets;
        for (auto it = samples.cbegin(); it != samples.cend(); ++it) {
            const auto match = bucket.match(it.key());
            if (it.key().startsWith(name + u"_bucket"_s) && match.hasMatch()) {
                const QString le = match.captured(1);
                buckets.append({le == u"+Inf"_s ? qInf() : le.toDouble(), it.value()});
            }
        }
        std::sort(buckets.begin(), buckets.end());
        if (buckets.isEmpty() || !qIsInf(buckets.last().first)) {
            fail(name + u": no +Inf bucket"_s);
            return false;
        }
        for (qsizetype i = 1; i < buckets.size(); ++i) {
            if (buckets[i].second < buckets[i - 1].second) {
                fail(name + u": buckets not cumulative"_s);
                return false;
            }
        }
        if (buckets.last().second != samples.value(name + u"_count"_s, -1)) {
            fail(name + u": +Inf bucket differs from _count"_s);
            return false;
        }
        return true;
    }

    Exposition &fail(const QString &message)
    {
        error = message;
        return *this;
    }
};

} // namespace

class TestMetrics : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void guardedByTheApiKey();
    void wellFormedAndCountersMove();
    void limitRefusalsAreCountedByLimit();
    void parserRefusesMalformedText_data();
    void parserRefusesMalformedText();
    void dashboardUsesExportedNames();
};

void TestMetrics::guardedByTheApiKey()
{
    ServerFixture fixture;
    QVERIFY(fixture.start());
    ApiClient stranger(fixture.apiUrl(), "wrong-key");
    QCOMPARE(stranger.get(u"/metrics"_s).status, 401);
    QCOMPARE(
        fixture.api()
            .send("POST", u"/metrics"_s, {}, {{"Authorization", fixture.api().authorization()}})
            .status,
        405);
}

void TestMetrics::wellFormedAndCountersMove()
{
    ServerFixture fixture;
    QVERIFY(fixture.start());
    const auto scrape = [&fixture] {
        const ApiClient::Reply reply = fixture.api().get(u"/metrics"_s);
        [[maybe_unused]] const bool ok = reply.status == 200;
        return Exposition::parse(reply.body);
    };
    const Exposition before = scrape();
    QVERIFY2(before.error.isEmpty(), qPrintable(before.error));
    QCOMPARE(before.types.value(u"herald_store_commit_seconds"_s), u"histogram"_s);
    QVERIFY(before.samples.value(u"herald_process_resident_memory_bytes"_s) > 0);
    QVERIFY(before.samples.value(u"herald_process_open_fds"_s) > 0);

    WsClient client;
    QVERIFY(client.connectAndWelcome(fixture.wsUrl(u"alice"_s)));
    QCOMPARE(fixture.api().post(u"/api/v1/notify"_s, {{u"users"_s, QJsonArray{u"alice"_s}}}).status,
             202);
    QTRY_COMPARE(client.framesOfType(ServerFrame::Type::Notification).size(), 1);

    const Exposition after = scrape();
    QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
    const auto moved = [&](const QString &series) {
        return after.samples.value(series) - before.samples.value(series);
    };
    QCOMPARE(after.samples.value(u"herald_sessions"_s), 1.0);
    QCOMPARE(moved(u"herald_pushes_total{kind=\"notify\"}"_s), 1.0);
    QCOMPARE(moved(u"herald_handshakes_total{result=\"accepted\"}"_s), 1.0);
    QVERIFY(moved(u"herald_deliveries_total"_s) >= 2); // the welcome and the notification
    QVERIFY(moved(u"herald_store_commits_total"_s) >= 1);
    QVERIFY(moved(u"herald_store_commit_seconds_count"_s) >= 1);
    QVERIFY(moved(u"herald_store_batch_size_sum"_s) >= 1);
}

// A session over max_sessions_per_user shows up under its limit's label, and
// under no other.
void TestMetrics::limitRefusalsAreCountedByLimit()
{
    ServerConfig config = ServerFixture::defaultConfig();
    config.maxSessionsPerUser = 1;
    ServerFixture fixture(config);
    QVERIFY(fixture.start());
    const auto scrape
        = [&fixture] { return Exposition::parse(fixture.api().get(u"/metrics"_s).body); };
    const Exposition before = scrape();
    QVERIFY2(before.error.isEmpty(), qPrintable(before.error));
    WsClient first;
    QVERIFY(first.connectAndWelcome(fixture.wsUrl(u"alice"_s)));
    WsClient second;
    second.open(fixture.wsUrl(u"alice"_s));
    QTRY_VERIFY(second.isClosed());
    QCOMPARE(second.closeCode(), 4008);

    const Exposition after = scrape();
    QVERIFY2(after.error.isEmpty(), qPrintable(after.error));
    const auto moved = [&](const QString &limit) {
        const QString series = u"herald_limit_refusals_total{limit=\""_s + limit + u"\"}"_s;
        return after.samples.value(series, -1) - before.samples.value(series, -1);
    };
    QCOMPARE(moved(u"max_sessions_per_user"_s), 1.0);
    QCOMPARE(moved(u"max_sessions"_s), 0.0);
    QCOMPARE(moved(u"client_rate"_s), 0.0);
    QCOMPARE(after.types.value(u"herald_slow_consumer_closes_total"_s), u"counter"_s);
}

void TestMetrics::parserRefusesMalformedText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("sample before TYPE") << QByteArray("x_total 1\n");
    QTest::newRow("TYPE twice") << QByteArray("# TYPE x gauge\n# TYPE x gauge\nx 1\n");
    QTest::newRow("counter without _total") << QByteArray("# TYPE x counter\nx 1\n");
    QTest::newRow("bad label") << QByteArray("# TYPE x gauge\nx{1a=\"b\"} 1\n");
    QTest::newRow("bad value") << QByteArray("# TYPE x gauge\nx one\n");
    QTest::newRow("histogram without +Inf")
        << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n");
    QTest::newRow("histogram not cumulative")
        << QByteArray("# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\n"
                      "h_count 1\n");
}

void TestMetrics::parserRefusesMalformedText()
{
    QFETCH(QByteArray, text);
    QVERIFY(!Exposition::parse(text).error.isEmpty());
}

// Every metric the shipped Grafana dashboard queries is one the server exports.
void TestMetrics::dashboardUsesExportedNames()
{
    QFile file(QStringLiteral(HERALD_GRAFANA_DASHBOARD));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject dashboard = QJsonDocument::fromJson(file.readAll()).object();
    QVERIFY(!dashboard.value(u"panels"_s).toArray().isEmpty());
    ServerFixture fixture;
    QVERIFY(fixture.start());
    const Exposition exported = Exposition::parse(fixture.api().get(u"/metrics"_s).body);
    static const QRegularExpression name(u"herald_[a-z_]+"_s);
    int checked = 0;
    for (const QJsonValue &panel : dashboard.value(u"panels"_s).toArray()) {
        for (const QJsonValue &target : panel[u"targets"_s].toArray()) {
            const QString expr = target[u"expr"_s].toString();
            for (auto it = name.globalMatch(expr); it.hasNext();) {
                const QString metric = it.next().captured();
                const bool known
                    = std::any_of(exported.samples.keyBegin(), exported.samples.keyEnd(),
                                  [&](const QString &series) { return series.startsWith(metric); });
                QVERIFY2(known, qPrintable(metric));
                ++checked;
            }
        }
    }
    QVERIFY(checked >= 10);
}

QTEST_GUILESS_MAIN(TestMetrics)
#include "tst_metrics.moc"
