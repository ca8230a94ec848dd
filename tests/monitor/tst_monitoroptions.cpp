#include "memorytokenstore.h"
#include "monitoroptions.h"
#include "profilestore.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The command line, the saved profiles and the in-memory token store: where
// the console's connection settings come from, and that no token reaches disk.
class TestMonitorOptions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void goodArguments_data();
    void goodArguments();
    void badArguments_data();
    void badArguments();
    void profilesRoundTrip();
    void memoryTokensStayInMemory();

private:
    QTemporaryDir m_dir;
};

void TestMonitorOptions::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QFile token(m_dir.filePath(u"token"_s));
    QVERIFY(token.open(QIODevice::WriteOnly));
    token.write("file-token\nsecond line\n");
    QFile empty(m_dir.filePath(u"empty"_s));
    QVERIFY(empty.open(QIODevice::WriteOnly));
}

void TestMonitorOptions::goodArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("url");
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<bool>("autoConnect");
    QTest::newRow("none") << QStringList{} << QString() << QByteArray() << false;
    QTest::newRow("url only") << QStringList{u"--url"_s, u"http://h:8081"_s} << u"http://h:8081"_s
                              << QByteArray() << false;
    QTest::newRow("url and env token")
        << QStringList{u"--url"_s, u"h:8081"_s, u"--token-env"_s, u"ADMIN"_s} << u"http://h:8081"_s
        << QByteArray("env-token") << true;
    QTest::newRow("token file: first line")
        << QStringList{u"--url=http://h:1"_s, u"--token-file"_s, u"@token"_s} << u"http://h:1"_s
        << QByteArray("file-token") << true;
}

void TestMonitorOptions::goodArguments()
{
    QFETCH(QStringList, arguments);
    QProcessEnvironment env;
    env.insert(u"ADMIN"_s, u" env-token \n"_s);
    arguments.replaceInStrings(u"@"_s, m_dir.path() + u'/');
    const MonitorOptions options
        = MonitorOptions::parse(QStringList{u"herald-monitor"_s} + arguments, env);
    QVERIFY2(options.kind == MonitorOptions::Kind::Run, qPrintable(options.text));
    QTEST(options.apiUrl.toString(), "url");
    QTEST(options.token, "token");
    QTEST(options.canAutoConnect(), "autoConnect");
}

void TestMonitorOptions::badArguments_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::newRow("unknown option") << QStringList{u"--bogus"_s};
    QTest::newRow("positional") << QStringList{u"http://h:1"_s};
    QTest::newRow("bad url") << QStringList{u"--url"_s, u"ftp://h"_s};
    QTest::newRow("unset env") << QStringList{u"--token-env"_s, u"NOT_SET_ANYWHERE"_s};
    QTest::newRow("missing file") << QStringList{u"--token-file"_s, u"@nope"_s};
    QTest::newRow("empty file") << QStringList{u"--token-file"_s, u"@empty"_s};
    QTest::newRow("both token sources")
        << QStringList{u"--token-env"_s, u"ADMIN"_s, u"--token-file"_s, u"@token"_s};
}

void TestMonitorOptions::badArguments()
{
    QFETCH(QStringList, arguments);
    QProcessEnvironment env;
    env.insert(u"ADMIN"_s, u"t"_s);
    arguments.replaceInStrings(u"@"_s, m_dir.path() + u'/');
    const MonitorOptions options
        = MonitorOptions::parse(QStringList{u"herald-monitor"_s} + arguments, env);
    QCOMPARE(options.kind, MonitorOptions::Kind::Error);
    QVERIFY(!options.text.isEmpty());
}

void TestMonitorOptions::profilesRoundTrip()
{
    const QString path = m_dir.filePath(u"monitor.ini"_s);
    {
        QSettings settings(path, QSettings::IniFormat);
        ProfileStore store(settings);
        store.save({u"staging"_s, QUrl(u"http://staging:8081"_s)});
        store.save({u"local"_s, QUrl(u"http://127.0.0.1:8081"_s)});
        store.save({u"staging"_s, QUrl(u"https://staging.example"_s)}); // replaces
        store.setLastUsed(u"staging"_s);
    }
    QSettings settings(path, QSettings::IniFormat);
    ProfileStore store(settings);
    const QList<ServerProfile> profiles = store.profiles();
    QCOMPARE(profiles.size(), 2);
    QCOMPARE(profiles[0].name, u"local"_s);
    QCOMPARE(store.profile(u"staging"_s)->apiUrl, QUrl(u"https://staging.example"_s));
    QCOMPARE(store.lastUsed(), u"staging"_s);
    store.remove(u"local"_s);
    QCOMPARE(store.profiles().size(), 1);
    QVERIFY(!store.profile(u"local"_s));
}

void TestMonitorOptions::memoryTokensStayInMemory()
{
    MemoryTokenStore tokens;
    QVERIFY(!tokens.isPersistent());
    QSignalSpy written(&tokens, &TokenStore::tokenWritten);
    QSignalSpy read(&tokens, &TokenStore::tokenRead);
    tokens.write(u"local"_s, "secret-admin-token");
    QTRY_COMPARE(written.size(), 1);
    QCOMPARE(written.first().at(1).toBool(), false);
    tokens.read(u"local"_s);
    QTRY_COMPARE(read.size(), 1);
    QCOMPARE(read.first().at(1).toByteArray(), QByteArray("secret-admin-token"));
    tokens.remove(u"local"_s);
    QVERIFY(tokens.token(u"local"_s).isEmpty());
}

QTEST_GUILESS_MAIN(TestMonitorOptions)
#include "tst_monitoroptions.moc"
