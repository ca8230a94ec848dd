// A list of URLs: herald.js moves to the next node when a connection fails or ends, and
// resumes there. First with a fake WebSocket and clock (the order and delays exactly), then
// against two real herald-server nodes sharing one real redis-server: a node killed with
// kill -9, and a node restarted (SIGTERM: its sessions get 1012), while pushes go on.
import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';
import WebSocket from 'ws';

import {
    EventLog, FakeClock, FakeSocket, Herald, flush, signToken, startRedis, startServer,
} from './helpers.mjs';

const URLS = ['ws://a/ws', 'ws://b/ws', 'ws://c/ws'];

function makeClient(options = {}) {
    const clock = new FakeClock();
    const statuses = [];
    const herald = new Herald({
        url: URLS, token: 't', WebSocket: FakeSocket, random: () => 0.5,
        setTimeout: clock.setTimeout, clearTimeout: clock.clearTimeout,
        onStatus: (status) => statuses.push(status), ...options,
    });
    return { herald, clock, statuses };
}

const hosts = () => FakeSocket.made.map((socket) => new URL(socket.url).host);

beforeEach(() => {
    FakeSocket.made = [];
});

test('url takes a list: each failed or ended connection retries on the next, in a ring',
     async () => {
    const { herald, clock, statuses } = makeClient();
    await flush();
    assert.equal(herald.url, 'ws://a/ws');
    FakeSocket.last().drop(1006); // a never answers
    assert.equal(statuses.at(-1).delayMs, 250, 'the same backoff as with one URL');
    await clock.advance(250);
    FakeSocket.last().welcome({ seq: 4, epoch: 'E' });
    assert.deepEqual(statuses.at(-1), { state: 'open', attempt: 1, url: 'ws://b/ws' });
    FakeSocket.last().drop(1012, 'service restart');
    await clock.advance(500);
    FakeSocket.last().drop(1006);
    await clock.advance(1000);
    FakeSocket.last().drop(1001);
    await clock.advance(2000);
    assert.deepEqual(hosts(), ['a', 'b', 'c', 'a', 'b']);
    assert.deepEqual(statuses.filter((s) => s.state === 'connecting').map((s) => s.url),
                     ['ws://a/ws', 'ws://b/ws', 'ws://c/ws', 'ws://a/ws', 'ws://b/ws']);
    // Every attempt after the welcome resumes from the same position, whichever the node.
    for (const socket of FakeSocket.made.slice(2))
        assert.match(socket.url, /\?token=t&since=4&epoch=E$/);
    herald.close();
});

test('a resume on the next node drops what the client already had', async () => {
    const seen = [];
    const { herald, clock } = makeClient({ onNotification: (frame) => seen.push(frame.seq) });
    await flush();
    FakeSocket.last().welcome({ seq: 0, epoch: 'E' });
    for (const seq of [1, 2, 3])
        FakeSocket.last().receive({ type: 'notification', id: `n${seq}`, seq, data: {} });
    FakeSocket.last().drop(1006);
    await clock.advance(250);
    assert.match(FakeSocket.last().url, /^ws:\/\/b\/ws\?token=t&since=3&epoch=E$/);
    // The new node replays from 3 on; a frame it repeats (by seq or id) is dropped.
    FakeSocket.last().welcome({ seq: 5, epoch: 'E' });
    for (const seq of [3, 4, 5])
        FakeSocket.last().receive({ type: 'notification', id: `n${seq}`, seq, data: {} });
    FakeSocket.last().receive({ type: 'resumed', ok: true, seq: 5 });
    assert.deepEqual(seen, [1, 2, 3, 4, 5]);
    assert.equal(herald.seq, 5);
    herald.close();
});

test('4002 reconnects to the same URL; one URL as a string still works', async () => {
    const renewing = makeClient({ getToken: async () => 'fresh' });
    await flush();
    FakeSocket.last().welcome();
    FakeSocket.last().drop(4002, 'token expired');
    await renewing.clock.advance(250);
    assert.deepEqual(hosts(), ['a', 'a']);
    renewing.herald.close();

    FakeSocket.made = [];
    const single = makeClient({ url: 'ws://only/ws' });
    await flush();
    FakeSocket.last().drop(1006);
    await single.clock.advance(250);
    assert.deepEqual(hosts(), ['only', 'only']);
    assert.equal(single.herald.url, 'ws://only/ws');
    single.herald.close();
});

test('a bad url option is refused at construction', () => {
    for (const url of [undefined, '', [], ['ws://a/ws', ''], ['ws://a/ws', 7], { 0: 'ws://a/ws' }]) {
        assert.throws(() => new Herald({ url, token: 't', WebSocket: FakeSocket }),
                      { name: 'TypeError', message: /options\.url/ }, JSON.stringify(url));
    }
    assert.equal(FakeSocket.made.length, 0);
});

// Two nodes on one Redis: the client starts on `second`; pushes go through `first` and keep
// going while `stopSecond` takes `second` away. Checks that every 202'd push arrived once,
// in seq order, and that the client ended on `first` after the close `expectedCode`.
async function failOver(t, { secondArgs = [], stopSecond, expectedCode }) {
    const redis = await startRedis(t);
    const broker = ['--broker', redis.url];
    const first = await startServer(t, { extraArgs: broker });
    const second = await startServer(t, { extraArgs: [...broker, ...secondArgs] });
    await first.storeReady();
    await second.storeReady();

    const log = new EventLog();
    const herald = new Herald({
        url: [second.wsUrl, first.wsUrl], WebSocket, token: signToken('mallory'),
        // The first retry waits 1 s: pushes go on meanwhile, so the resume has a replay.
        backoff: { initialMs: 1000, maxMs: 1000 }, random: () => 1,
        onNotification: log.recorder('notification'), onStatus: log.recorder('status'),
    });
    t.after(() => herald.close());
    const opened = () => log.of('status').filter((s) => s.state === 'open');
    await log.until(() => opened().length === 1, 'open on the second node');
    assert.equal(opened()[0].url, second.wsUrl);

    const accepted = []; // [seq, n] of every push answered 202
    let stopping = false;
    const pushing = (async () => {
        for (let n = 1; !stopping; ++n) {
            const answer = await first.push(['mallory'], { n });
            accepted.push([answer.seq.mallory, n]);
        }
    })();
    const received = () => log.of('notification');
    await log.until(() => received().length >= 10, 'ten notifications on the second node');
    await stopSecond(second);
    const stoppedAt = accepted.length;
    await log.until(() => opened().length === 2, 'open again, on the first node');
    const movedAt = accepted.length;
    assert.ok(movedAt > stoppedAt, 'pushes were accepted while the client was away');
    await log.until(() => accepted.length >= movedAt + 10, 'ten more pushes');
    stopping = true;
    await pushing;

    assert.equal(opened()[1].url, first.wsUrl);
    const closed = log.of('status').filter((s) => s.state === 'closed');
    assert.equal(closed.length, 1);
    assert.equal(closed[0].code, expectedCode);
    await log.until(() => received().length >= accepted.length, 'every accepted push');
    assert.deepEqual(received().map((frame) => [frame.seq, frame.data.n]), accepted);
    assert.deepEqual(accepted.map(([seq]) => seq), accepted.map((_, i) => i + 1));
    t.diagnostic(`${accepted.length} pushes, ${movedAt} of them before the client was back`);
}

test('kill -9 of the node a client is on: it resumes on the next URL, nothing lost or repeated',
     { timeout: 120000 }, async (t) => {
    await failOver(t, { stopSecond: (second) => second.kill(), expectedCode: 1006 });
});

test('a node restarting closes with 1012: the client resumes on the next URL', { timeout: 120000 },
     async (t) => {
    await failOver(t, {
        secondArgs: ['--drain-s', '0'],
        stopSecond: async (second) => {
            second.child.kill('SIGTERM');
            assert.deepEqual(await second.exited, { code: 0, signal: null });
        },
        expectedCode: 1012,
    });
});
