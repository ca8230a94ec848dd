// herald.js against a real herald-server (HERALD_SERVER_BINARY, default
// build/server/herald-server): delivery, reads, token refresh, 4003, resume, 4002.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';

import { EventLog, FakeClock, Herald, signToken, startServer, tempDir } from './helpers.mjs';

// Records every socket the client makes, with its URL.
function recordingWebSocket() {
    const urls = [];
    class Recording extends WebSocket {
        constructor(url, ...rest) {
            super(url, ...rest);
            urls.push(new URL(url));
        }
    }
    return { Recording, urls };
}

function connect(t, url, log, options) {
    const herald = new Herald({
        url, WebSocket, onNotification: log.recorder('notification'),
        onUnread: log.recorder('unread'), onStatus: log.recorder('status'), ...options,
    });
    t.after(() => herald.close());
    return herald;
}

const states = (log) => log.of('status').map((s) => s.state);

test('receives a pushed notification and keeps the unread count', async (t) => {
    const server = await startServer(t);
    const log = new EventLog();
    const herald = connect(t, server.wsUrl, log, { token: signToken('alice') });
    await log.until(() => herald.state === 'open', 'open');
    const pushed = await server.push(['alice'], { text: 'hello' }, 'greeting');
    assert.equal(pushed.seq.alice, 1);
    await log.until(() => log.of('notification').length === 1, 'the notification');
    const [notification] = log.of('notification');
    assert.equal(notification.id, pushed.id);
    assert.equal(notification.seq, 1);
    assert.equal(notification.event, 'greeting');
    assert.deepEqual(notification.data, { text: 'hello' });
    assert.deepEqual(log.of('unread'), [0, 1]);

    assert.equal(herald.markRead(), true);
    await log.until(() => log.of('unread').length === 3, 'the unread frame');
    assert.deepEqual(log.of('unread'), [0, 1, 0]);
    assert.deepEqual(states(log), ['connecting', 'open']);
});

test('an expired token is refused, then getToken supplies a good one', async (t) => {
    const server = await startServer(t);
    const log = new EventLog();
    const calls = [];
    const herald = connect(t, server.wsUrl, log, {
        random: () => 0, // retry at once
        getToken: async (info) => {
            calls.push(info);
            return signToken('bob', calls.length === 1 ? -3600 : 3600);
        },
    });
    await log.until(() => herald.state === 'open', 'open');
    assert.ok(calls.length >= 2, `getToken called ${calls.length} times`);
    assert.deepEqual(calls.slice(0, 2), [{ attempt: 0, rejected: false }, { attempt: 1, rejected: true }]);
    assert.deepEqual(states(log), ['connecting', 'closed', 'connecting', 'open']);
    assert.equal(log.of('status')[1].code, 1006);
    await server.push(['bob'], { n: 1 });
    await log.until(() => log.of('notification').length === 1, 'a notification');
});

test('DELETE /api/v1/users/<id>/sessions closes with 4003 and the client stays away', async (t) => {
    const server = await startServer(t);
    const log = new EventLog();
    const clock = new FakeClock(); // makes any scheduled retry visible, and never runs it
    const { Recording, urls } = recordingWebSocket();
    const herald = connect(t, server.wsUrl, log, {
        token: signToken('carol'), WebSocket: Recording,
        setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    });
    await log.until(() => herald.state === 'open', 'open');
    const answer = await server.api('DELETE', '/api/v1/users/carol/sessions');
    assert.equal(answer.disconnected, 1);
    await log.until(() => herald.state === 'stopped', 'stopped');
    const last = log.of('status').at(-1);
    assert.equal(last.code, 4003);
    assert.equal(last.reason, 'disconnected by server');
    assert.deepEqual(clock.pending(), [], 'no retry scheduled');
    assert.equal(urls.length, 1);
    assert.deepEqual(states(log), ['connecting', 'open', 'stopped']);
});

test('after a server crash and restart the client resumes and gets what it missed, once, in order',
     async (t) => {
    const dataDir = tempDir(t);
    const first = await startServer(t, { dataDir });
    const log = new EventLog();
    const clock = new FakeClock(); // the test decides when the client reconnects
    const { Recording, urls } = recordingWebSocket();
    const herald = connect(t, first.wsUrl, log, {
        token: signToken('dave'), WebSocket: Recording, random: () => 0.5,
        setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
    });
    await log.until(() => herald.state === 'open', 'open');
    const ids = [];
    for (let i = 1; i <= 2; ++i)
        ids.push((await first.push(['dave'], { i })).id);
    await log.until(() => log.of('notification').length === 2, 'two notifications');
    const epoch = herald.epoch;

    await first.kill(); // SIGKILL
    await log.until(() => herald.state === 'closed', 'closed');
    assert.equal(log.of('status').at(-1).delayMs, 250);
    const second = await startServer(t, { dataDir, wsPort: first.wsPort, apiPort: first.apiPort });
    for (let i = 3; i <= 5; ++i) {
        const pushed = await second.push(['dave'], { i });
        assert.equal(pushed.seq.dave, i);
        ids.push(pushed.id);
    }
    await clock.advance(250);
    await log.until(() => log.of('notification').length === 5, 'the three missed');
    assert.equal(urls.length, 2);
    assert.equal(urls[1].searchParams.get('since'), '2');
    assert.equal(urls[1].searchParams.get('epoch'), epoch);

    ids.push((await second.push(['dave'], { i: 6 })).id); // live, after the replay
    await log.until(() => log.of('notification').length === 6, 'the live one');
    const received = log.of('notification');
    assert.deepEqual(received.map((n) => n.id), ids);
    assert.deepEqual(received.map((n) => n.seq), [1, 2, 3, 4, 5, 6]);
    assert.deepEqual(received.map((n) => n.data.i), [1, 2, 3, 4, 5, 6]);
    assert.ok(!states(log).includes('reset'));
    assert.equal(herald.epoch, epoch);
    assert.equal(herald.seq, 6);
    // 0, 1, 2 on the first session; 5 from the second welcome; 6 for the live one
    assert.deepEqual(log.of('unread'), [0, 1, 2, 5, 6]);
});

test('a token that expires closes with 4002; getToken renews it and the client resumes, losing nothing',
     async (t) => {
    const server = await startServer(t, { extraArgs: ['--enforce-token-expiry'] });
    const log = new EventLog();
    const clock = new FakeClock(); // the test decides when the client reconnects
    const { Recording, urls } = recordingWebSocket();
    const calls = [];
    const herald = connect(t, server.wsUrl, log, {
        WebSocket: Recording, random: () => 0.5,
        setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
        // Three to four seconds (exp is whole seconds): time for a busy machine to open the
        // first session before it expires.
        getToken: async (info) => {
            calls.push(info);
            return signToken('erin', calls.length === 1 ? 4 : 3600);
        },
    });
    await log.until(() => herald.state === 'open', 'open');
    const ids = [(await server.push(['erin'], { i: 1 })).id];
    await log.until(() => log.of('notification').length === 1, 'the first notification');
    const epoch = herald.epoch;

    await log.until(() => herald.state === 'closed', 'closed at exp');
    const closed = log.of('status').at(-1);
    assert.equal(closed.code, 4002);
    assert.equal(closed.reason, 'token expired');
    assert.equal(closed.attempt, 0); // not a failure: no backoff step
    assert.equal(closed.delayMs, 250); // random() * initialMs
    ids.push((await server.push(['erin'], { i: 2 })).id); // while the client is away
    await clock.advance(250);
    await log.until(() => log.of('notification').length === 2, 'the missed one, replayed');
    assert.equal(herald.state, 'open');
    assert.deepEqual(calls, [{ attempt: 0, rejected: false },
                             { attempt: 0, rejected: false, reason: 'expired' }]);
    assert.equal(urls.length, 2);
    assert.equal(urls[1].searchParams.get('since'), '1');
    assert.equal(urls[1].searchParams.get('epoch'), epoch);

    ids.push((await server.push(['erin'], { i: 3 })).id); // live, on the renewed session
    await log.until(() => log.of('notification').length === 3, 'the live one');
    const received = log.of('notification');
    assert.deepEqual(received.map((n) => n.id), ids);
    assert.deepEqual(received.map((n) => n.seq), [1, 2, 3]);
    assert.ok(!states(log).includes('reset'));
    assert.equal(herald.unread, 3);
    assert.deepEqual(states(log), ['connecting', 'open', 'closed', 'connecting', 'open']);
});
