// Shared by the herald.js tests: a real herald-server process, HS256 tokens,
// a fake clock, a scriptable fake WebSocket and a log to wait on.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const repoRoot = resolve(here, '../../..');
export const heraldPath = join(repoRoot, 'resources/js/herald.js');
export const Herald = createRequire(import.meta.url)(heraldPath);

export const SECRET = 'js-client-test-secret-0123456789abcdef';
export const API_KEY = 'js-client-test-api-key-0123456789abcdef';
const WAIT_MS = 15000;

export function serverBinary() {
    return process.env.HERALD_SERVER_BINARY || join(repoRoot, 'build/server/herald-server');
}

function base64Url(data) {
    return Buffer.from(data).toString('base64url');
}

// expiresIn is seconds from now; negative makes an expired token.
export function signToken(user, expiresIn = 3600) {
    const now = Math.floor(Date.now() / 1000);
    const input = base64Url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })) + '.'
        + base64Url(JSON.stringify({ sub: user, exp: now + expiresIn, iat: now }));
    return input + '.' + createHmac('sha256', SECRET).update(input).digest('base64url');
}

// Resolves once flush() has let every pending promise callback run.
export function flush() {
    return new Promise((resolve) => setImmediate(resolve));
}

export function tempDir(t) {
    const dir = mkdtempSync(join(tmpdir(), 'herald-js-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    return dir;
}

const running = new Set();
process.on('exit', () => {
    for (const child of running)
        child.kill('SIGKILL');
});

/**
 * Starts herald-server on port 0 (or the given ports), with extraArgs after the others,
 * and resolves once its
 * "listening" log line names the ports. Registers a kill with t.after().
 * extraArgs: further command-line options.
 */
export async function startServer(t, { dataDir, wsPort = 0, apiPort = 0, extraArgs = [] } = {}) {
    // No test here is about reaping: a heartbeat far above how long a busy
    // machine may take to answer a ping keeps every session alive.
    const args = ['--ws-port', String(wsPort), '--api-port', String(apiPort),
                  '--data-dir', dataDir || tempDir(t), '--heartbeat-s', '30', ...extraArgs];
    const env = { PATH: process.env.PATH, QT_NO_GLIB: '1', HERALD_SECRET: SECRET,
                  HERALD_API_KEY: API_KEY };
    if (process.env.HERALD_EVENT_LOOP) // CI runs the suites once per event dispatcher
        env.HERALD_EVENT_LOOP = process.env.HERALD_EVENT_LOOP;
    const child = spawn(serverBinary(), args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    running.add(child);
    const exited = new Promise((resolve) => child.once('exit', (code, signal) => {
        running.delete(child);
        resolve({ code, signal });
    }));
    const server = new ServerProcess(child, exited);
    t.after(() => server.kill());
    await server.listening();
    return server;
}

/**
 * Starts a redis-server of its own on a free loopback port, without persistence, and
 * resolves with {port, url, child} once it accepts connections. Registers a stop (by its
 * PID) with t.after().
 */
export async function startRedis(t) {
    const port = await freePort();
    const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1',
                                         '--save', '', '--appendonly', 'no'],
                        { stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    const exited = new Promise((resolve) => child.once('exit', () => {
        running.delete(child);
        resolve();
    }));
    t.after(async () => {
        if (child.exitCode === null && child.signalCode === null)
            process.kill(child.pid, 'SIGTERM');
        await exited;
    });
    let log = '';
    await new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`redis-server did not start:\n${log}`)),
                                 WAIT_MS);
        child.once('error', (error) => reject(new Error(`redis-server: ${error.message}`)));
        child.stdout.setEncoding('utf8');
        child.stdout.on('data', (text) => {
            log += text;
            if (log.includes('Ready to accept connections')) {
                clearTimeout(timer);
                resolve();
            }
        });
        exited.then(() => reject(new Error(`redis-server exited:\n${log}`)));
    });
    return { port, url: `redis://127.0.0.1:${port}`, child };
}

function freePort() {
    return new Promise((resolve, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolve(port));
        });
    });
}

class ServerProcess {
    constructor(child, exited) {
        this.child = child;
        this.exited = exited;
        this.log = '';
        child.stderr.setEncoding('utf8');
        child.stderr.on('data', (text) => { this.log += text; });
    }

    listening() {
        const pattern = /listening: WebSocket \S+ (\d+) \(path \/ws\), push API \S+ (\d+)/;
        return new Promise((resolve, reject) => {
            const timer = setTimeout(() => fail('no "listening" line in time'), WAIT_MS);
            const fail = (why) => {
                clearTimeout(timer);
                reject(new Error(`herald-server (${serverBinary()}) ${why}:\n${this.log}`));
            };
            const check = () => {
                const match = pattern.exec(this.log);
                if (!match)
                    return;
                clearTimeout(timer);
                this.child.stderr.off('data', check);
                this.wsPort = Number(match[1]);
                this.apiPort = Number(match[2]);
                this.wsUrl = `ws://127.0.0.1:${this.wsPort}/ws`;
                resolve();
            };
            this.child.stderr.on('data', check);
            this.child.once('error', (error) => fail(`could not start: ${error.message}`));
            this.exited.then(({ code, signal }) => fail(`exited (${code ?? signal})`));
        });
    }

    // Resolves once /healthz reports the store ok: with a broker, once this node is
    // subscribed and delivers what other nodes accept.
    async storeReady() {
        const deadline = Date.now() + WAIT_MS;
        for (;;) {
            const response = await fetch(`http://127.0.0.1:${this.apiPort}/healthz`);
            const health = await response.json();
            if (health.store && health.store.ok)
                return;
            if (Date.now() > deadline)
                throw new Error(`store not ready: ${JSON.stringify(health)}\n${this.log}`);
            await new Promise((resolve) => setTimeout(resolve, 50)); // poll interval
        }
    }

    async kill() {
        if (this.child.exitCode === null && this.child.signalCode === null)
            this.child.kill('SIGKILL');
        await this.exited;
    }

    async api(method, path, body) {
        const response = await fetch(`http://127.0.0.1:${this.apiPort}${path}`, {
            method,
            headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
        });
        const answer = await response.json();
        if (!response.ok)
            throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(answer)}`);
        return answer;
    }

    // Resolves with the 202 answer {id, seq: {user: n}, ...}.
    push(users, data, event = 'test') {
        return this.api('POST', '/api/v1/notify', { users, event, data });
    }
}

/** Records events; until() resolves when a condition over them holds. */
export class EventLog {
    constructor() {
        this.events = [];
        this.waiters = [];
    }

    push(event) {
        this.events.push(event);
        for (const waiter of this.waiters.slice())
            waiter();
    }

    of(kind) {
        return this.events.filter((e) => e.kind === kind).map((e) => e.value);
    }

    recorder(kind) {
        return (value) => this.push({ kind, value });
    }

    until(condition, label = String(condition)) {
        return new Promise((resolve, reject) => {
            const check = () => {
                if (!condition())
                    return;
                this.waiters = this.waiters.filter((w) => w !== check);
                clearTimeout(timer);
                resolve();
            };
            const timer = setTimeout(() => {
                this.waiters = this.waiters.filter((w) => w !== check);
                reject(new Error(`timed out waiting for ${label}; events: ${JSON.stringify(this.events)}`));
            }, WAIT_MS);
            this.waiters.push(check);
            check();
        });
    }
}

/** Timers that run only when advance() is called, in due order. */
export class FakeClock {
    constructor() {
        this.now = 0;
        this.timers = new Map();
        this.nextId = 1;
        this.setTimeout = (fn, ms) => {
            const id = this.nextId++;
            this.timers.set(id, { fn, at: this.now + ms });
            return id;
        };
        this.clearTimeout = (id) => { this.timers.delete(id); };
    }

    // Delays of the timers still pending, from now, ascending.
    pending() {
        return [...this.timers.values()].map((timer) => timer.at - this.now).sort((a, b) => a - b);
    }

    async advance(ms) {
        const end = this.now + ms;
        for (;;) {
            const due = [...this.timers.entries()].filter(([, timer]) => timer.at <= end)
                .sort((a, b) => a[1].at - b[1].at)[0];
            if (!due)
                break;
            this.timers.delete(due[0]);
            this.now = due[1].at;
            due[1].fn();
            await flush();
        }
        this.now = end;
    }
}

/** A WebSocket the test drives by hand; every instance lands in FakeSocket.made. */
export class FakeSocket {
    static made = [];

    static last() {
        return FakeSocket.made[FakeSocket.made.length - 1];
    }

    constructor(url) {
        this.url = url;
        this.readyState = 0;
        this.sent = [];
        this.closedWith = null;
        FakeSocket.made.push(this);
    }

    send(text) {
        this.sent.push(JSON.parse(text));
    }

    close(code, reason) {
        this.closedWith = { code, reason };
        this.readyState = 3;
    }

    open() {
        this.readyState = 1;
        this.onopen?.({});
    }

    receive(frame) {
        this.onmessage?.({ data: JSON.stringify(frame) });
    }

    welcome(position = {}) {
        this.open();
        this.receive({ type: 'welcome', session: 's', user: 'u', heartbeat_s: 1, seq: 0,
                       epoch: 'e1', unread: 0, read_up_to: 0, ...position });
    }

    drop(code = 1006, reason = '') {
        this.readyState = 3;
        this.onclose?.({ code, reason });
    }
}
