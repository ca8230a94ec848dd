// Reconnect timing, token hand-out and terminal closes, driven by a fake
// WebSocket and a fake clock: every delay is asserted exactly.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import { FakeClock, FakeSocket, Herald, flush } from './helpers.mjs';

function makeClient(options = {}) {
    const clock = new FakeClock();
    const statuses = [];
    const herald = new Herald({
        url: 'ws://fake/ws', token: 't', WebSocket: FakeSocket, random: () => 0.5,
        setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
        onStatus: (status) => statuses.push(status), ...options,
    });
    return { herald, clock, statuses, lastStatus: () => statuses[statuses.length - 1] };
}

// Drops the current socket and checks that the next one comes exactly delayMs later.
async function dropAndExpectRetry({ clock, lastStatus }, delayMs) {
    const before = FakeSocket.made.length;
    FakeSocket.last().drop(1006);
    assert.equal(lastStatus().state, 'closed');
    assert.equal(lastStatus().delayMs, delayMs);
    if (delayMs > 0) {
        await clock.advance(delayMs - 1);
        assert.equal(FakeSocket.made.length, before, `no reconnect before ${delayMs} ms`);
    }
    await clock.advance(delayMs > 0 ? 1 : 0);
    assert.equal(FakeSocket.made.length, before + 1, `reconnect at ${delayMs} ms`);
}

beforeEach(() => {
    FakeSocket.made = [];
});

test('delays double from initialMs with full jitter and stop growing at maxMs', async () => {
    const client = makeClient();
    await flush();
    assert.equal(FakeSocket.made.length, 1);
    // random() = 0.5 of min(30000, 500 * 2^attempt)
    for (const delay of [250, 500, 1000, 2000, 4000, 8000, 15000, 15000, 15000])
        await dropAndExpectRetry(client, delay);
    assert.equal(client.lastStatus().state, 'connecting');
    assert.equal(client.lastStatus().attempt, 9);
    client.herald.close();
});

test('each delay is random() times the cap', async () => {
    const randoms = [0.1, 0.9, 0.3, 1, 1, 1, 1, 1];
    const client = makeClient({ random: () => randoms.shift() });
    await flush();
    for (const delay of [50, 900, 600, 4000, 8000, 16000, 30000, 30000])
        await dropAndExpectRetry(client, delay);
    client.herald.close();
});

test('backoff options replace the defaults', async () => {
    const client = makeClient({ random: () => 1, backoff: { initialMs: 100, maxMs: 700 } });
    await flush();
    for (const delay of [100, 200, 400, 700, 700])
        await dropAndExpectRetry(client, delay);
    client.herald.close();
});

test('attempt resets only after a connection stayed open stableMs', async () => {
    const client = makeClient();
    await flush();
    for (const delay of [250, 500, 1000])
        await dropAndExpectRetry(client, delay);
    FakeSocket.last().welcome();
    assert.equal(client.lastStatus().state, 'open');
    await client.clock.advance(59999);
    await dropAndExpectRetry(client, 2000); // open 59.999 s: still counts as a failure
    FakeSocket.last().welcome();
    await client.clock.advance(60000);
    assert.equal(client.herald.attempt, 0);
    await dropAndExpectRetry(client, 250);
    client.herald.close();
});

test('a connection that neither opens nor closes is abandoned after connectTimeoutMs', async () => {
    const client = makeClient({ connectTimeoutMs: 5000 });
    await flush();
    const first = FakeSocket.last();
    await client.clock.advance(4999);
    assert.equal(first.closedWith, null);
    await client.clock.advance(1);
    assert.deepEqual(client.statuses.map((s) => s.state), ['connecting', 'closed']);
    assert.equal(client.lastStatus().code, 1006);
    assert.equal(client.lastStatus().reason, 'connect timeout');
    assert.notEqual(first.closedWith, null);
    first.drop(1006); // the late close event of the abandoned socket changes nothing
    assert.equal(client.statuses.length, 2);
    await client.clock.advance(250);
    assert.equal(FakeSocket.made.length, 2);
    client.herald.close();
});

test('4003 is terminal: no retry is scheduled', async () => {
    const client = makeClient();
    await flush();
    FakeSocket.last().welcome();
    FakeSocket.last().drop(4003, 'disconnected by server');
    assert.deepEqual(client.lastStatus(), { state: 'stopped', code: 4003, reason: 'disconnected by server' });
    assert.equal(client.herald.state, 'stopped');
    assert.deepEqual(client.clock.pending(), []);
    await client.clock.advance(10 * 60 * 1000);
    assert.equal(FakeSocket.made.length, 1);
});

test('1001 and 1008 closes are retried', async () => {
    const client = makeClient();
    await flush();
    for (const [code, delay] of [[1001, 250], [1008, 500]]) {
        FakeSocket.last().welcome();
        FakeSocket.last().drop(code, 'x');
        assert.equal(client.lastStatus().state, 'closed');
        assert.equal(client.lastStatus().code, code);
        await client.clock.advance(delay);
    }
    assert.equal(FakeSocket.made.length, 3);
    client.herald.close();
});

test('4002 asks getToken for a renewed token at once: no backoff step, a jitter of initialMs',
     async () => {
    const calls = [];
    const client = makeClient({
        token: undefined, random: () => 0.5, backoff: { initialMs: 1000 },
        getToken: async (info) => { calls.push(info); return `tok${calls.length}`; },
    });
    await flush();
    FakeSocket.last().drop(1006); // one failure first: attempt 1
    await client.clock.advance(500);
    FakeSocket.last().welcome();
    FakeSocket.last().drop(4002, 'token expired');
    assert.deepEqual(client.lastStatus(),
                     { state: 'closed', code: 4002, reason: 'token expired', attempt: 1, delayMs: 500 });
    await client.clock.advance(499);
    assert.equal(FakeSocket.made.length, 2);
    await client.clock.advance(1);
    assert.equal(FakeSocket.made.length, 3);
    assert.match(FakeSocket.last().url, /\?token=tok3&since=0&epoch=e1$/);
    assert.deepEqual(calls[2], { attempt: 1, rejected: false, reason: 'expired' });
    // Once welcomed again, the next token is asked for an ordinary reason.
    FakeSocket.last().welcome();
    await dropAndExpectRetry(client, 1000);
    assert.deepEqual(calls[3], { attempt: 2, rejected: false });
    client.herald.close();
});

test('4002 with only a static token stops: the token cannot get better', async () => {
    const client = makeClient({ token: 'static' });
    await flush();
    FakeSocket.last().welcome();
    FakeSocket.last().drop(4002, 'token expired');
    assert.deepEqual(client.lastStatus(), { state: 'stopped', code: 4002, reason: 'token expired' });
    assert.deepEqual(client.clock.pending(), []);
});

test('getToken is asked before every attempt and told when the last one was refused', async () => {
    const calls = [];
    const client = makeClient({
        token: undefined,
        getToken: async (info) => { calls.push(info); return `tok${calls.length}`; },
    });
    await flush();
    assert.match(FakeSocket.last().url, /\?token=tok1$/);
    await dropAndExpectRetry(client, 250);
    assert.match(FakeSocket.last().url, /\?token=tok2$/);
    FakeSocket.last().welcome();
    await dropAndExpectRetry(client, 500);
    assert.match(FakeSocket.last().url, /\?token=tok3&since=0&epoch=e1$/);
    assert.deepEqual(calls, [{ attempt: 0, rejected: false }, { attempt: 1, rejected: true },
                             { attempt: 2, rejected: false }]);
    client.herald.close();
});

test('a static token is reused; with getToken too, getToken takes over after the first attempt',
     async () => {
    const only = makeClient({ token: 'static' });
    await flush();
    await dropAndExpectRetry(only, 250);
    assert.deepEqual(FakeSocket.made.map((s) => s.url),
                     ['ws://fake/ws?token=static', 'ws://fake/ws?token=static']);
    only.herald.close();

    FakeSocket.made = [];
    const both = makeClient({ token: 'static', getToken: async () => 'fresh' });
    await flush();
    await dropAndExpectRetry(both, 250);
    assert.deepEqual(FakeSocket.made.map((s) => s.url),
                     ['ws://fake/ws?token=static', 'ws://fake/ws?token=fresh']);
    both.herald.close();
});

test('a failing getToken counts as a failed attempt', async () => {
    let calls = 0;
    const client = makeClient({
        token: undefined,
        getToken: async () => { if (++calls === 1) throw new Error('offline'); return 'ok'; },
    });
    await flush();
    assert.equal(FakeSocket.made.length, 0);
    assert.equal(client.lastStatus().state, 'closed');
    assert.equal(client.lastStatus().reason, 'getToken failed: offline');
    await client.clock.advance(250);
    assert.equal(FakeSocket.made.length, 1);
    client.herald.close();
});

test('close() stops for good, also while a retry is pending', async () => {
    const client = makeClient();
    await flush();
    FakeSocket.last().drop(1006);
    client.herald.close();
    assert.equal(client.lastStatus().state, 'stopped');
    assert.deepEqual(client.clock.pending(), []);
    await client.clock.advance(60000);
    assert.equal(FakeSocket.made.length, 1);

    FakeSocket.made = [];
    const open = makeClient();
    await flush();
    FakeSocket.last().welcome();
    open.herald.close();
    assert.deepEqual(FakeSocket.last().closedWith, { code: 1000, reason: 'closed by client' });
    FakeSocket.last().drop(1000);
    assert.deepEqual(open.statuses.map((s) => s.state), ['connecting', 'open', 'stopped']);
});
