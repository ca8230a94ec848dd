#include "keychaintokenstore.h"

#include <QSignalSpy>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// KeychainTokenStore keeps its contract with or without a keyring: a written
// token reads back in this run, and the answer says whether it was persisted.
class TestKeychainTokenStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void writtenTokenReadsBack();
};

void TestKeychainTokenStore::writtenTokenReadsBack()
{
    KeychainTokenStore tokens;
    QSignalSpy written(&tokens, &TokenStore::tokenWritten);
    QSignalSpy read(&tokens, &TokenStore::tokenRead);
    const QString profile = u"herald-monitor-test-%1"_s.arg(QCoreApplication::applicationPid());
    tokens.write(profile, "keyring-test-token");
    QTRY_COMPARE_WITH_TIMEOUT(written.size(), 1, KeychainTokenStore::TimeoutMs + 5000);
    const bool persistent = written.first().at(1).toBool();
    QCOMPARE(tokens.isPersistent(), persistent);
    if (!persistent)
        QVERIFY(!written.first().at(2).toString().isEmpty()); // says why
    tokens.read(profile);
    QTRY_COMPARE_WITH_TIMEOUT(read.size(), 1, KeychainTokenStore::TimeoutMs + 5000);
    QCOMPARE(read.first().at(1).toByteArray(), QByteArray("keyring-test-token"));
    tokens.remove(profile);
}

QTEST_MAIN(TestKeychainTokenStore)
#include "tst_keychaintokenstore.moc"
