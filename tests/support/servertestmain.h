#pragma once

#include "serverfixture.h"

#include <QCoreApplication>
#include <QTest>

// QTEST_GUILESS_MAIN for tests that run a server in-process: the main thread gets the
// event dispatcher that HERALD_EVENT_LOOP names, like the server's other threads (see
// ServerFixture::eventLoopFromEnvironment()), so the listeners and the API run on it too.
#define HERALD_SERVER_TEST_MAIN(TestObject)                                                        \
    int main(int argc, char *argv[])                                                               \
    {                                                                                              \
        Herald::Test::ServerFixture::installMainEventLoop();                                       \
        QCoreApplication app(argc, argv);                                                          \
        TestObject tc;                                                                             \
        QTEST_SET_MAIN_SOURCE_PATH                                                                 \
        return QTest::qExec(&tc, argc, argv);                                                      \
    }
