// allowed_origins and enforce_token_expiry in a real browser: Debian's Chromium
// (/usr/bin/chromium, or HERALD_E2E_CHROMIUM) through playwright-core, against
// herald-server (HERALD_SERVER_BINARY). Chromium maps the host names good.test and
// evil.test to 127.0.0.1, so two origins reach the one server: the page of the
// allowed one opens /ws with herald.js, the other's WebSocket is refused before the
// upgrade. The allowed page's first token expires: herald.js renews it and resumes.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { test } from 'node:test';

import { chromium } from 'playwright-core';

import {
    CHROMIUM_ARGS, chromiumBinary, freePort, killAll, makeTempDir, requireFile, secret,
    serverBinary, startHerald,
} from './support.mjs';

const WAIT_MS = 20000;

function sign(key, user, expiresIn) {
    const part = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const input = part({ alg: 'HS256', typ: 'JWT' }) + '.' + part({ sub: user, exp: now + expiresIn });
    return input + '.' + createHmac('sha256', key).update(input).digest('base64url');
}

test('Chromium: only the allowed origin opens /ws; an expired token is renewed without loss',
     { timeout: 120000 }, async () => {
    requireFile(serverBinary, 'build it (ninja -C build herald-server) or set HERALD_SERVER_BINARY');
    requireFile(chromiumBinary, 'install Debian\'s chromium (apt-get install chromium)');
    const dir = await makeTempDir('herald-e2e-origins-');
    const secrets = { secret: secret(), apiKey: secret() };
    let browser = null;
    try {
        const wsPort = await freePort();
        const herald = await startHerald({
            dataDir: dir, secrets, wsPort, name: 'herald-server (origins)',
            extraArgs: ['--allowed-origins', `http://good.test:${wsPort}`, '--enforce-token-expiry'],
        });
        const api = async (method, path, body) => {
            const response = await fetch(`http://127.0.0.1:${herald.apiPort}${path}`, {
                method, body: body === undefined ? undefined : JSON.stringify(body),
                headers: { Authorization: `Bearer ${secrets.apiKey}`,
                           'Content-Type': 'application/json' },
            });
            assert.ok(response.ok, `${method} ${path}: ${response.status}`);
            return response.json();
        };
        browser = await chromium.launch({
            executablePath: chromiumBinary, timeout: 60000,
            args: [...CHROMIUM_ARGS, '--host-resolver-rules=MAP *.test 127.0.0.1'],
        });

        // Another site's page with a valid token: refused before the upgrade (1006, never open).
        const evil = await browser.newPage();
        await evil.goto(`http://evil.test:${wsPort}/healthz`);
        const refused = await evil.evaluate((url) => new Promise((resolve) => {
            const socket = new WebSocket(url);
            let opened = false;
            socket.onopen = () => { opened = true; };
            socket.onclose = (event) => resolve({ opened, code: event.code });
        }), `ws://good.test:${wsPort}/ws?token=${sign(secrets.secret, 'olga', 3600)}`);
        assert.deepEqual(refused, { opened: false, code: 1006 });
        assert.equal((await api('GET', '/api/v1/stats')).origin_refusals, 1);

        // The allowed page: herald.js from the server, tokens from the test through getToken.
        const good = await browser.newPage();
        good.setDefaultTimeout(WAIT_MS);
        let tokens = 0;
        await good.exposeFunction('mintToken', () =>
            sign(secrets.secret, 'olga', ++tokens === 1 ? 4 : 3600)); // 3-4 s, then an hour
        await good.goto(`http://good.test:${wsPort}/healthz`);
        await good.addScriptTag({ url: `http://good.test:${wsPort}/herald.js` });
        await good.evaluate((url) => {
            window.log = { statuses: [], notifications: [], reasons: [] };
            window.herald = new window.Herald({
                url, random: () => 0.5,
                getToken: async (info) => { window.log.reasons.push(info.reason || null); return window.mintToken(); },
                onStatus: (s) => window.log.statuses.push({ state: s.state, code: s.code }),
                onNotification: (n) => window.log.notifications.push(n.data.i),
            });
        }, `ws://good.test:${wsPort}/ws`);
        await good.waitForFunction(() => window.herald.state === 'open');
        await api('POST', '/api/v1/notify', { users: ['olga'], event: 'e2e', data: { i: 1 } });
        await good.waitForFunction(() => window.log.notifications.length === 1);
        await good.waitForFunction(() => window.log.statuses.some((s) => s.code === 4002));
        await api('POST', '/api/v1/notify', { users: ['olga'], event: 'e2e', data: { i: 2 } });
        await good.waitForFunction(() => window.log.notifications.length === 2
                                         && window.herald.state === 'open');
        await api('POST', '/api/v1/notify', { users: ['olga'], event: 'e2e', data: { i: 3 } });
        await good.waitForFunction(() => window.log.notifications.length === 3);
        const log = await good.evaluate(() => ({ ...window.log, unread: window.herald.unread }));
        assert.deepEqual(log.notifications, [1, 2, 3]);
        assert.equal(log.unread, 3);
        assert.deepEqual(log.reasons, [null, 'expired']);
        assert.equal((await api('GET', '/api/v1/stats')).token_expiry_closes, 1);
        assert.equal((await api('GET', '/api/v1/stats')).origin_refusals, 1);
    } finally {
        if (browser)
            await browser.close().catch((error) => console.error(`closing chromium: ${error}`));
        await killAll();
        await rm(dir, { recursive: true, force: true });
    }
});
