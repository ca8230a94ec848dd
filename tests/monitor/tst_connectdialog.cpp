#include "connectdialog.h"
#include "memorytokenstore.h"
#include "profilestore.h"

#include <QFile>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;
using namespace Herald;

// The connect dialog: profiles are saved, the token is not (not in clear, not
// in QSettings), and bad input keeps the dialog open with a message.
class TestConnectDialog : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void init();
    void savesProfileButNeverTheToken();
    void badInputKeepsTheDialogOpen_data();
    void badInputKeepsTheDialogOpen();
    void savedProfileFillsTheFields();

private:
    QString settingsPath() const { return m_dir.filePath(u"monitor.ini"_s); }
    static constexpr const char *Token = "very-secret-admin-token-123";

    QTemporaryDir m_dir;
};

void TestConnectDialog::init()
{
    QFile::remove(settingsPath());
}

void TestConnectDialog::savesProfileButNeverTheToken()
{
    {
        QSettings settings(settingsPath(), QSettings::IniFormat);
        ProfileStore profiles(settings);
        MemoryTokenStore tokens;
        ConnectDialog dialog(profiles, tokens);
        dialog.preset(u"staging"_s, QUrl(u"http://10.0.0.5:8081"_s));
        QTest::keyClicks(&dialog.tokenEdit(), QString::fromLatin1(Token));
        dialog.accept();
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        QCOMPARE(dialog.endpoint().token, QByteArray(Token));
        QCOMPARE(dialog.endpoint().webSocketUrl(), QUrl(u"ws://10.0.0.5:8081/admin"_s));
        QCOMPARE(tokens.token(u"staging"_s), QByteArray(Token)); // memory only
    }
    QFile ini(settingsPath());
    QVERIFY(ini.open(QIODevice::ReadOnly));
    const QByteArray written = ini.readAll();
    QVERIFY(written.contains("staging"));
    QVERIFY(written.contains("10.0.0.5"));
    QVERIFY(!written.contains(Token));
}

void TestConnectDialog::badInputKeepsTheDialogOpen_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<QString>("token");
    QTest::newRow("no URL") << QString() << u"t"_s;
    QTest::newRow("bad URL") << u"ftp://x"_s << u"t"_s;
    QTest::newRow("no token") << u"http://h:1"_s << QString();
}

void TestConnectDialog::badInputKeepsTheDialogOpen()
{
    QFETCH(QString, url);
    QFETCH(QString, token);
    QSettings settings(settingsPath(), QSettings::IniFormat);
    ProfileStore profiles(settings);
    MemoryTokenStore tokens;
    ConnectDialog dialog(profiles, tokens);
    dialog.show();
    dialog.preset(u"p"_s, {});
    dialog.urlEdit().setText(url);
    dialog.tokenEdit().setText(token);
    dialog.accept();
    QVERIFY(dialog.isVisible());
    QVERIFY(profiles.profiles().isEmpty());
}

void TestConnectDialog::savedProfileFillsTheFields()
{
    QSettings settings(settingsPath(), QSettings::IniFormat);
    ProfileStore profiles(settings);
    profiles.save({u"prod"_s, QUrl(u"https://push.example.com"_s)});
    profiles.setLastUsed(u"prod"_s);
    MemoryTokenStore tokens;
    tokens.setToken(u"prod"_s, Token);
    ConnectDialog dialog(profiles, tokens);
    QCOMPARE(dialog.profileName(), u"prod"_s);
    QTRY_COMPARE(dialog.endpoint().token, QByteArray(Token)); // read back from the store
    QCOMPARE(dialog.endpoint().apiUrl, QUrl(u"https://push.example.com"_s));
}

QTEST_MAIN(TestConnectDialog)
#include "tst_connectdialog.moc"
