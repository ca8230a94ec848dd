// Shared by the end-to-end tests: child processes whose output can be waited on,
// herald-server and the Django example, free ports, temporary folders.
import { spawn, execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const exampleDir = join(repoRoot, 'examples/django');

export const serverBinary = resolve(process.env.HERALD_SERVER_BINARY
    || join(repoRoot, 'build/server/herald-server'));
export const pythonBinary = process.env.HERALD_E2E_PYTHON || '/usr/bin/python3';
export const chromiumBinary = process.env.HERALD_E2E_CHROMIUM || '/usr/bin/chromium';

export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync',
    '--disable-quic', '--no-proxy-server'];

export function secret() {
    return randomBytes(36).toString('base64url'); // 48 characters
}

export function makeTempDir(prefix) {
    return mkdtemp(join(tmpdir(), prefix));
}

export function requireFile(path, hint) {
    if (!existsSync(path))
        throw new Error(`${path} not found: ${hint}`);
}

export function freePort() {
    return new Promise((resolvePort, reject) => {
        const server = createServer();
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const { port } = server.address();
            server.close(() => resolvePort(port));
        });
    });
}

// Without the caller's HERALD_* settings (a stray HERALD_CONFIG or port would change
// what is tested) and without Python settings meant for another interpreter.
export function baseEnv(extra) {
    const env = {};
    for (const [name, value] of Object.entries(process.env)) {
        if (!name.startsWith('HERALD_') && !name.startsWith('PYTHON') && !name.startsWith('DJANGO_'))
            env[name] = value;
    }
    return Object.assign(env, { LC_ALL: 'C.UTF-8' }, extra);
}

const running = new Set();
process.on('exit', () => {
    for (const proc of running)
        proc.child.kill('SIGKILL');
});

/** A child process; its stdout and stderr are collected in `output`, which can be waited on. */
export class Proc {
    constructor(name, command, args, options) {
        this.name = name;
        this.output = '';
        this.waiters = new Set();
        this.child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
        running.add(this);
        this.exitStatus = null;
        this.exited = new Promise((resolveExit) => {
            const done = (status) => {
                if (this.exitStatus !== null)
                    return;
                this.exitStatus = status;
                running.delete(this);
                for (const waiter of this.waiters)
                    waiter.check();
                resolveExit(status);
            };
            this.child.once('exit', (code, signal) => done({ code, signal }));
            this.child.once('error', (error) => done({ code: null, signal: null, error }));
        });
        for (const stream of [this.child.stdout, this.child.stderr]) {
            stream.setEncoding('utf8');
            stream.on('data', (text) => {
                this.output += text;
                if (process.env.HERALD_E2E_VERBOSE)
                    process.stderr.write(text.replace(/^(?=.)/gm, `[${this.name}] `));
                for (const waiter of this.waiters)
                    waiter.check();
            });
        }
    }

    get running() {
        return this.exitStatus === null;
    }

    /** Where the output ends now: pass it as `from` to wait only for what comes next. */
    mark() {
        return this.output.length;
    }

    /** Resolves with the first match of `pattern` in the output after `from`. */
    waitFor(pattern, { from = 0, timeoutMs = 30000, what = String(pattern) } = {}) {
        return new Promise((resolveMatch, reject) => {
            const waiter = {
                check: () => {
                    const match = pattern.exec(this.output.slice(from));
                    if (match) {
                        finish();
                        resolveMatch(match);
                    } else if (this.exitStatus !== null) {
                        finish();
                        const status = this.exitStatus.error
                            ? this.exitStatus.error.message
                            : `status ${this.exitStatus.code}, signal ${this.exitStatus.signal}`;
                        reject(new Error(`${this.name} exited (${status}) before printing ${what}\n`
                            + this.tail()));
                    }
                },
            };
            const timer = setTimeout(() => {
                finish();
                reject(new Error(`${this.name} did not print ${what} within ${timeoutMs} ms\n`
                    + this.tail()));
            }, timeoutMs);
            const finish = () => {
                clearTimeout(timer);
                this.waiters.delete(waiter);
            };
            this.waiters.add(waiter);
            waiter.check();
        });
    }

    tail(lines = 40) {
        const text = this.output.trimEnd().split('\n').slice(-lines).join('\n');
        return `--- last output of ${this.name} ---\n${text}\n--- end of ${this.name} ---`;
    }

    /** Sends `signal` and resolves once the process has exited. */
    async kill(signal = 'SIGKILL') {
        if (this.running)
            this.child.kill(signal);
        return this.exited;
    }
}

export async function killAll() {
    await Promise.all([...running].map((proc) => proc.kill('SIGKILL')));
}

const LISTENING = /listening: WebSocket 127\.0\.0\.1 (\d+) \(path \/ws\), push API 127\.0\.0\.1 (\d+)/;

/**
 * Starts herald-server (with extraArgs after the others) and resolves with
 * {proc, wsPort, apiPort} once it listens.
 */
export async function startHerald({ dataDir, secrets, wsPort = 0, apiPort = 0,
                                   name = 'herald-server', extraArgs = [] }) {
    const env = baseEnv({ QT_NO_GLIB: '1', HERALD_SECRET: secrets.secret,
                          HERALD_API_KEY: secrets.apiKey });
    if (process.env.HERALD_EVENT_LOOP) // CI runs the suites once per event dispatcher
        env.HERALD_EVENT_LOOP = process.env.HERALD_EVENT_LOOP;
    const proc = new Proc(name, serverBinary,
        ['--ws-port', String(wsPort), '--api-port', String(apiPort), '--data-dir', dataDir,
         ...extraArgs],
        { env });
    const match = await proc.waitFor(LISTENING, { timeoutMs: 20000, what: 'its "listening" line' });
    return { proc, wsPort: Number(match[1]), apiPort: Number(match[2]) };
}

// Polls until `url` answers; any answer but 200 is an error at once.
async function untilAnswers(proc, url, timeoutMs) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        let response = null;
        try {
            response = await fetch(url, { redirect: 'manual' });
        } catch (error) {
            if (!proc.running || Date.now() > deadline)
                throw new Error(`${url} did not answer: ${error.message}\n${proc.tail()}`);
        }
        if (response) {
            if (response.status === 200)
                return;
            throw new Error(`${url} answered ${response.status}\n${proc.tail()}`);
        }
        await new Promise((resolveTick) => setTimeout(resolveTick, 50)); // poll interval
    }
}

function run(command, args, options) {
    return new Promise((resolveRun, reject) => {
        execFile(command, args, { ...options, timeout: 120000 }, (error, stdout, stderr) => {
            if (error)
                reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
            else
                resolveRun(stdout);
        });
    });
}

/**
 * The Django example (examples/django) on a fresh SQLite file in `dir`: migrates,
 * creates alice and bob, and serves it with runserver on a free loopback port.
 */
export async function startExample({ dir, herald, secrets, password, extraEnv = {} }) {
    const env = baseEnv({
        PYTHONPATH: join(repoRoot, 'clients/python'),
        PYTHONDONTWRITEBYTECODE: '1', // nothing written into the checkout
        PYTHONUNBUFFERED: '1',
        EXAMPLE_DB: join(dir, 'example.sqlite3'),
        HERALD_URL: `http://127.0.0.1:${herald.apiPort}`,
        HERALD_WS_URL: `ws://127.0.0.1:${herald.wsPort}/ws`,
        HERALD_SECRET: secrets.secret,
        HERALD_API_KEY: secrets.apiKey,
        ...extraEnv,
    });
    const options = { cwd: exampleDir, env };
    await run(pythonBinary, ['manage.py', 'migrate', '--noinput', '-v', '0'], options);
    await run(pythonBinary, ['manage.py', 'seed_demo_users', '--password', password], options);
    // The free port may be taken by someone else before runserver binds it: try again.
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const proc = new Proc('django', pythonBinary,
            ['manage.py', 'runserver', `127.0.0.1:${port}`, '--noreload'], options);
        const url = `http://127.0.0.1:${port}`;
        try {
            // runserver prints its banner before it binds: wait for the banner, then for
            // the login page to answer.
            await proc.waitFor(/Quit the server with/, { timeoutMs: 60000, what: 'its start-up banner' });
            await untilAnswers(proc, `${url}/accounts/login/`, 30000);
            return { proc, url };
        } catch (error) {
            await proc.kill();
            if (attempt >= 3 || !/port is already in use/.test(proc.output))
                throw error;
        }
    }
}

/**
 * A redis-server of its own on a free loopback port, without persistence; resolves with
 * {proc, url} once it accepts connections. Stop it with proc.kill('SIGTERM') (by its PID).
 */
export async function startRedis() {
    for (let attempt = 1; ; attempt++) {
        const port = await freePort();
        const proc = new Proc('redis-server', 'redis-server',
            ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
            { env: baseEnv({}) });
        try {
            await proc.waitFor(/Ready to accept connections/, { timeoutMs: 20000,
                                                                 what: 'that it is ready' });
            return { proc, url: `redis://127.0.0.1:${port}` };
        } catch (error) {
            await proc.kill();
            if (attempt >= 3 || !/Address already in use/.test(proc.output))
                throw error;
        }
    }
}

/** Resolves once the node's /healthz reports its store ok (with a broker: subscribed). */
export async function untilStoreReady(herald, timeoutMs = 30000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
        const response = await fetch(`http://127.0.0.1:${herald.apiPort}/healthz`);
        const health = await response.json();
        if (health.store && health.store.ok)
            return;
        if (Date.now() > deadline)
            throw new Error(`${herald.proc.name} store not ready: ${JSON.stringify(health)}\n`
                + herald.proc.tail());
        await new Promise((resolveTick) => setTimeout(resolveTick, 50)); // poll interval
    }
}
