// Frame handling against a scripted ws.WebSocketServer: duplicates, resume
// query, replay overlap, resets, unread counting, reads and error frames.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket, { WebSocketServer } from 'ws';

import { EventLog, FakeSocket, Herald, flush } from './helpers.mjs';

// A fake Herald endpoint: each connection is logged with its request URL.
async function fakeServer(t) {
    const log = new EventLog();
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise((resolve) => wss.once('listening', resolve));
    const connections = [];
    wss.on('connection', (socket, request) => {
        const url = new URL(request.url, 'ws://x');
        const connection = { socket, query: Object.fromEntries(url.searchParams), received: [] };
        socket.on('message', (data) => {
            connection.received.push(JSON.parse(String(data)));
            log.push({ kind: 'client-frame' });
        });
        connections.push(connection);
        log.push({ kind: 'connection' });
    });
    t.after(() => new Promise((resolve) => {
        for (const client of wss.clients)
            client.terminate();
        wss.close(resolve);
    }));
    const send = (n, ...frames) => frames.forEach((f) => connections[n].socket.send(JSON.stringify(f)));
    return { log, connections, send, url: `ws://127.0.0.1:${wss.address().port}/ws` };
}

function client(server, t, options = {}) {
    const log = server.log;
    const herald = new Herald({
        url: server.url, token: 'tok', WebSocket, random: () => 0,
        onNotification: log.recorder('notification'), onUnread: log.recorder('unread'),
        onStatus: log.recorder('status'), onError: log.recorder('error'), ...options,
    });
    t.after(() => herald.close());
    return herald;
}

const welcome = (p) => ({ type: 'welcome', session: 's', user: 'u', heartbeat_s: 1, seq: 0,
                          epoch: 'E', unread: 0, read_up_to: 0, ...p });
const note = (id, seq) => ({ ...(seq === undefined ? {} : { seq }), type: 'notification', id,
                             event: 'e', data: { id }, ts: '2024-01-01T00:00:00.000Z' });
const ids = (log) => log.of('notification').map((n) => n.id);

test('duplicates by id or by seq are dropped; live pushes without seq are not counted', async (t) => {
    const server = await fakeServer(t);
    const herald = client(server, t);
    await server.log.until(() => server.connections.length === 1);
    assert.deepEqual(server.connections[0].query, { token: 'tok' });
    server.send(0, welcome({ seq: 0 }), note('A', 1), note('A', 1), note('B', 1), note('C', 2),
                note('X'), note('X'), note('A', 9), note('D', 3));
    await server.log.until(() => ids(server.log).includes('D'));
    assert.deepEqual(ids(server.log), ['A', 'C', 'X', 'D']);
    assert.deepEqual(server.log.of('unread'), [0, 1, 2, 3]);
    assert.equal(herald.seq, 3);
    assert.equal(herald.unread, 3);
});

test('a reconnect resumes with since/epoch; replayed frames are not counted twice', async (t) => {
    const server = await fakeServer(t);
    const herald = client(server, t);
    await server.log.until(() => server.connections.length === 1);
    server.send(0, welcome({ seq: 0, unread: 0 }), note('A', 1), note('B', 2));
    await server.log.until(() => ids(server.log).length === 2);
    server.connections[0].socket.close(1001, 'server shutting down');
    await server.log.until(() => server.connections.length === 2);
    assert.deepEqual(server.connections[1].query, { token: 'tok', since: '2', epoch: 'E' });
    // The replay overlaps what the client has (B); the welcome already counts C and D.
    server.send(1, welcome({ seq: 4, unread: 4 }), note('B', 2), note('C', 3), note('D', 4),
                { type: 'resumed', ok: true, seq: 4 }, note('D', 4), note('E', 5));
    await server.log.until(() => ids(server.log).includes('E'));
    assert.deepEqual(ids(server.log), ['A', 'B', 'C', 'D', 'E']);
    assert.deepEqual(server.log.of('unread'), [0, 1, 2, 4, 5]);
    assert.equal(herald.seq, 5);
    const states = server.log.of('status').map((s) => s.state);
    assert.deepEqual(states, ['connecting', 'open', 'closed', 'connecting', 'open']);
    assert.equal(server.log.of('status')[2].code, 1001);
});

test('resumed ok:false adopts the server position and reports a reset', async (t) => {
    const server = await fakeServer(t);
    const herald = client(server, t);
    await server.log.until(() => server.connections.length === 1);
    server.send(0, welcome({ seq: 7, epoch: 'E1', unread: 7 }));
    await server.log.until(() => herald.state === 'open');
    server.connections[0].socket.close(1001);
    await server.log.until(() => server.connections.length === 2);
    assert.deepEqual(server.connections[1].query, { token: 'tok', since: '7', epoch: 'E1' });
    server.send(1, welcome({ seq: 2, epoch: 'E2', unread: 2 }),
                { type: 'resumed', ok: false, seq: 2, epoch: 'E2' }, note('N', 3));
    await server.log.until(() => ids(server.log).includes('N'));
    const reset = server.log.of('status').find((s) => s.state === 'reset');
    assert.deepEqual(reset, { state: 'reset', seq: 2, epoch: 'E2' });
    assert.equal(herald.state, 'open');
    assert.equal(herald.seq, 3);
    assert.equal(herald.epoch, 'E2');
    assert.deepEqual(server.log.of('unread'), [7, 2, 3]);
    server.connections[1].socket.close(1001);
    await server.log.until(() => server.connections.length === 3);
    assert.deepEqual(server.connections[2].query, { token: 'tok', since: '3', epoch: 'E2' });
});

test('markRead sends a read frame; unread and error frames reach the app', async (t) => {
    const server = await fakeServer(t);
    const herald = client(server, t);
    assert.equal(herald.markRead(), false, 'nothing to mark before the welcome');
    await server.log.until(() => server.connections.length === 1);
    server.send(0, welcome({ seq: 5, unread: 3, read_up_to: 2 }));
    await server.log.until(() => herald.state === 'open');
    assert.equal(herald.markRead(), true);
    assert.equal(herald.markRead(4), true);
    assert.throws(() => herald.markRead(-1), TypeError);
    await server.log.until(() => server.connections[0].received.length === 2);
    assert.deepEqual(server.connections[0].received,
                     [{ type: 'read', up_to: 5 }, { type: 'read', up_to: 4 }]);
    server.send(0, { type: 'unread', count: 0, read_up_to: 5 },
                { type: 'error', code: 'invalid_field', message: 'no' });
    await server.log.until(() => server.log.of('error').length === 1);
    assert.deepEqual(server.log.of('unread'), [3, 0]);
    assert.deepEqual(server.log.of('error'), [{ code: 'invalid_field', message: 'no' }]);
});

test('the id set remembers the last 1000 ids', async () => {
    FakeSocket.made = [];
    const delivered = [];
    const herald = new Herald({ url: 'ws://fake/ws', token: 't', WebSocket: FakeSocket,
                                onNotification: (n) => delivered.push(n.id) });
    await flush();
    FakeSocket.last().welcome();
    for (let i = 0; i <= 1000; ++i)
        FakeSocket.last().receive(note(`n${i}`));
    FakeSocket.last().receive(note('n1000'));
    FakeSocket.last().receive(note('n1'));
    FakeSocket.last().receive(note('n0')); // forgotten: the oldest of 1001
    assert.equal(delivered.length, 1002);
    assert.equal(delivered[1001], 'n0');
    herald.close();
});
