// herald.js against a draining herald-server: the sessions it closes with 1012
// "service restart" reconnect after random delays (full jitter), not at one instant.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import WebSocket from 'ws';

import { EventLog, Herald, signToken, startServer, tempDir } from './helpers.mjs';

const CLIENTS = 8;
const BACKOFF = { initialMs: 400, maxMs: 1600 }; // the first retry waits random() * 400 ms

test('clients closed with 1012 by a drain reconnect at different times', async (t) => {
    const dataDir = tempDir(t);
    const first = await startServer(t, { dataDir, extraArgs: ['--drain-s', '1'] });
    const clients = [];
    for (let i = 0; i < CLIENTS; ++i) {
        const log = new EventLog();
        const herald = new Herald({
            url: first.wsUrl, WebSocket, token: signToken(`drain-${i}`), backoff: BACKOFF,
            onStatus: (status) => log.push({ kind: 'status', value: { ...status, at: Date.now() } }),
        });
        t.after(() => herald.close());
        clients.push({ herald, log });
    }
    const opened = (log) => log.of('status').filter((s) => s.state === 'open').length;
    await Promise.all(clients.map(({ log }) => log.until(() => opened(log) === 1, 'open')));

    first.child.kill('SIGTERM');
    const closedBy = (log) => log.of('status').find((s) => s.state === 'closed');
    await Promise.all(clients.map(({ log }) => log.until(() => closedBy(log), 'closed')));
    assert.deepEqual(await first.exited, { code: 0, signal: null });
    const closes = clients.map(({ log }) => closedBy(log));
    for (const close of closes) {
        assert.equal(close.code, 1012);
        assert.equal(close.reason, 'service restart');
        assert.ok(close.delayMs >= 0 && close.delayMs < BACKOFF.initialMs, String(close.delayMs));
    }
    const delays = closes.map((close) => close.delayMs);
    t.diagnostic(`retry delays after 1012: ${delays.join(', ')} ms`);
    assert.ok(new Set(delays).size > 1, `every client waits its own delay: ${delays}`);
    const connecting = (log) => log.of('status').filter((s) => s.state === 'connecting');
    await Promise.all(clients.map(({ log }) => log.until(() => connecting(log).length >= 2,
                                                         'a reconnect')));
    const retries = clients.map(({ log }) => connecting(log)[1].at);
    assert.ok(new Set(retries).size > 1, `reconnects at different times: ${retries}`);

    // They come back once a server listens on the port again.
    await startServer(t, { dataDir, wsPort: first.wsPort });
    await Promise.all(clients.map(({ log }) => log.until(() => opened(log) === 2, 'open again')));
});
