// End to end against two nodes: herald-server A and B on one redis-server, the Django
// example pushing through A, its pages given both nodes (HERALD_WS_URL = "B,A").
//
//   node --test tests/e2e/
//
// Needs what django_example.test.mjs needs, plus redis-server. Alice's first tab sees the
// list in the other order (A first), so that her two tabs sit on different nodes: a message
// sent in Django reaches both, reading in one tab clears the bubble of the tab on the other
// node, and after a kill -9 of B its tabs continue on A without losing or repeating anything.
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { chromium } from 'playwright-core';

import {
    CHROMIUM_ARGS, chromiumBinary, killAll, makeTempDir, pythonBinary, requireFile, secret,
    serverBinary, startExample, startHerald, startRedis, untilStoreReady,
} from './support.mjs';
import {
    PASSWORD, RECONNECT_MS, WAIT_MS, bubble, connected, flash, login, until,
} from './pages.mjs';

const onNode = (page, url) => until(page, `herald open on ${url}`,
    (u) => window.herald !== undefined && window.herald.state === 'open' && window.herald.url === u,
    url, RECONNECT_MS);

// The seqs of the notifications this page load was given, in order.
const seen = (page) => page.evaluate(() => window.heraldSeen);

async function sendAs(page, to, body) {
    await page.goto(`${page.app}/send/`);
    await page.selectOption('#id_recipient', { label: to });
    await page.fill('#id_body', body);
    await page.click('#send');
    await flash(page, `Sent “${body}” to ${to}.`);
}

test('Django example on two nodes: pushes through A reach tabs on A and B, reads sync, '
     + 'a kill -9 of B moves its tabs to A', { timeout: 300000 }, async () => {
    requireFile(serverBinary, 'build it (ninja -C build herald-server) or set HERALD_SERVER_BINARY');
    requireFile(pythonBinary, 'install python3-django (apt-get install python3-django)');
    requireFile(chromiumBinary, 'install Debian\'s chromium (apt-get install chromium)');

    const dir = await makeTempDir('herald-e2e-cluster-');
    const secrets = { secret: secret(), apiKey: secret() };
    const pages = [];
    const procs = [];
    let browser = null;
    let failed = true;
    try {
        const redis = await startRedis();
        procs.push(redis.proc);
        const nodes = [];
        for (const name of ['A', 'B']) {
            const dataDir = join(dir, `herald-${name}`);
            await mkdir(dataDir);
            const node = await startHerald({ dataDir, secrets, name: `herald-server ${name}`,
                                             extraArgs: ['--broker', redis.url] });
            procs.push(node.proc);
            await untilStoreReady(node);
            node.wsUrl = `ws://127.0.0.1:${node.wsPort}/ws`;
            nodes.push(node);
        }
        const [a, b] = nodes;
        const django = await startExample({
            dir, herald: a, secrets, password: PASSWORD,
            extraEnv: { HERALD_WS_URL: `${b.wsUrl},${a.wsUrl}`,
                        // Pages reloaded after B is gone still load the client.
                        HERALD_SCRIPT_URL: `http://127.0.0.1:${a.wsPort}/herald.js` },
        });
        procs.push(django.proc);

        browser = await chromium.launch({ executablePath: chromiumBinary, args: CHROMIUM_ARGS,
                                          timeout: 60000 });
        const newPage = async (context, label) => {
            const page = await context.newPage();
            page.label = label;
            page.app = django.url;
            page.setDefaultTimeout(WAIT_MS);
            pages.push(page);
            return page;
        };
        const viewport = { width: 900, height: 520 };
        const alice = await browser.newContext({ viewport });
        const bob = await browser.newContext({ viewport });
        await alice.addInitScript(() => {
            window.heraldSeen = [];
            document.addEventListener('herald:notification',
                                      (event) => window.heraldSeen.push(event.detail.seq));
        });
        const onA = await newPage(alice, 'alice tab on A');
        const onB = await newPage(alice, 'alice tab on B');
        const b1 = await newPage(bob, 'bob');
        // This tab's page is handed the list in the other order: it starts on A.
        await onA.addInitScript(() => {
            let config;
            Object.defineProperty(window, 'heraldConfig', {
                configurable: true,
                get: () => config,
                set: (value) => { config = { ...value, url: [...value.url].reverse() }; },
            });
        });

        await login(onA, 'alice');
        await onB.goto(`${django.url}/`);
        await login(b1, 'bob');
        await onNode(onA, a.wsUrl);
        await onNode(onB, b.wsUrl);
        await bubble(onA, 0);
        await bubble(onB, 0);

        // 1. A message created in Django, pushed through A, reaches the tabs on both nodes.
        await sendAs(b1, 'alice', 'Lunch at noon?');
        await bubble(onA, 1);
        await bubble(onB, 1);
        await until(onB, 'the new message listed live',
            () => document.querySelector('#message-list .message.unread .body')?.textContent
                === 'Lunch at noon?');

        // 2. Reading in the tab on A (Django marks the rows and moves Herald's cursor through
        //    A's API) clears the bubble of the tab on B.
        await onA.click('#mark-read');
        await flash(onA, 'Marked 1 message read.');
        await bubble(onB, 0);
        await onNode(onA, a.wsUrl);
        await bubble(onA, 0);

        // 3. kill -9 of B: its tab moves to A and gets what is sent meanwhile, once.
        await b.proc.kill('SIGKILL');
        await sendAs(b1, 'alice', 'Sent after B died');
        await onNode(onB, a.wsUrl);
        await bubble(onB, 1, RECONNECT_MS);
        await bubble(onA, 1);
        await until(onB, 'the message sent after the kill listed',
            () => [...document.querySelectorAll('#message-list .message.unread .body')]
                .some((el) => el.textContent === 'Sent after B died'), undefined, RECONNECT_MS);
        assert.deepEqual(await seen(onB), [1, 2], 'the tab that moved got each message once');
        assert.deepEqual(await seen(onA), [2]);
        failed = false;
    } finally {
        if (failed) {
            const shots = await makeTempDir('herald-e2e-failure-');
            for (const [index, page] of pages.entries()) {
                const path = join(shots, `${index + 1}-${page.label.replace(/\W+/g, '-')}.png`);
                await page.screenshot({ path, timeout: 10000 }).then(
                    () => console.error(`screenshot of ${page.label}: ${path}`),
                    (error) => console.error(`no screenshot of ${page.label}: ${error.message}`));
            }
            for (const proc of procs)
                console.error(proc.tail(60));
            console.error(`kept the test's files in ${dir}`);
        }
        if (browser)
            await browser.close().catch((error) => console.error(`closing chromium: ${error}`));
        await killAll();
        if (!failed)
            await rm(dir, { recursive: true, force: true });
    }
});
