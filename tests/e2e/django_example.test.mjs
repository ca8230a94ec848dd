// End to end: herald-server, the Django example (examples/django) and Chromium.
//
//   node --test tests/e2e/
//
// Needs the built herald-server (HERALD_SERVER_BINARY, default build/server/herald-server),
// Debian's python3-django (/usr/bin/python3, or HERALD_E2E_PYTHON), Debian's chromium
// (/usr/bin/chromium, or HERALD_E2E_CHROMIUM) and `npm ci` (playwright-core).
// On failure every page is screenshotted into a temporary folder whose path is printed.
// HERALD_E2E_SCREENSHOTS=<folder> also saves a screenshot of alice's tab showing her
// unread bubble. HERALD_E2E_VERBOSE=1 echoes the output of herald-server and Django.
import assert from 'node:assert/strict';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { test } from 'node:test';

import { chromium } from 'playwright-core';

import {
    CHROMIUM_ARGS, chromiumBinary, killAll, makeTempDir, pythonBinary, requireFile, secret,
    serverBinary, startExample, startHerald,
} from './support.mjs';
import {
    PASSWORD, RECONNECT_MS, WAIT_MS, bubble, connected, disconnected, flash, login, until,
} from './pages.mjs';

test('Django example: bubbles across tabs, a kill -9 of herald-server, read in one tab',
     { timeout: 300000 }, async () => {
    requireFile(serverBinary, 'build it (ninja -C build herald-server) or set HERALD_SERVER_BINARY');
    requireFile(pythonBinary, 'install python3-django (apt-get install python3-django)');
    requireFile(chromiumBinary, 'install Debian\'s chromium (apt-get install chromium)');

    const dir = await makeTempDir('herald-e2e-');
    const dataDir = join(dir, 'herald-data');
    await mkdir(dataDir);
    const secrets = { secret: secret(), apiKey: secret() };
    const pages = [];
    let browser = null;
    let herald = null;
    let django = null;
    const procs = [];
    let failed = true;
    try {
        herald = await startHerald({ dataDir, secrets, name: 'herald-server (first)' });
        procs.push(herald.proc);
        // Long enough a retry window for the push that is made while herald-server is down.
        django = await startExample({ dir, herald, secrets, password: PASSWORD,
                                      extraEnv: { HERALD_RETRIES: '8', HERALD_BACKOFF: '0.25' } });
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
        const a1 = await newPage(alice, 'alice tab 1');
        const a2 = await newPage(alice, 'alice tab 2');
        const b1 = await newPage(bob, 'bob');

        await login(a1, 'alice');
        await a2.goto(`${django.url}/`); // same context: same session cookie, a second tab
        await login(b1, 'bob');
        await b1.goto(`${django.url}/send/`);
        for (const page of [a1, a2, b1]) {
            await connected(page);
            await bubble(page, 0);
        }

        // 1. bob sends alice a message through the app's form: both of her tabs show 1.
        await b1.selectOption('#id_recipient', { label: 'alice' });
        await b1.fill('#id_body', 'Lunch at noon?');
        await b1.click('#send');
        await flash(b1, 'Sent “Lunch at noon?” to alice.');
        await bubble(a1, 1);
        await bubble(a2, 1);
        await until(a1, 'the new message listed live',
            () => document.querySelector('#message-list .message.unread .body')?.textContent
                === 'Lunch at noon?');
        await connected(b1);
        await bubble(b1, 0);
        assert.equal(await b1.evaluate(() => window.herald.unread), 0, 'bob has nothing unread');

        // 2. kill -9 herald-server; bob sends again while it is down. The Django request
        //    retries its push until herald-server is back on the same ports and data dir.
        const { wsPort, apiPort } = herald;
        await herald.proc.kill('SIGKILL');
        await disconnected(a1);
        await disconnected(a2);
        await b1.selectOption('#id_recipient', { label: 'alice' });
        await b1.fill('#id_body', 'Sent while Herald was down');
        const mark = django.proc.mark();
        const submitted = b1.click('#send');
        submitted.catch(() => {}); // awaited below, once herald-server is back
        await django.proc.waitFor(/herald POST \/api\/v1\/notify failed .*retry 1\//,
                                  { from: mark, what: 'a retried push' });
        herald = await startHerald({ dataDir, secrets, wsPort, apiPort,
                                    name: 'herald-server (restarted)' });
        procs.push(herald.proc);
        await submitted;
        await flash(b1, 'Sent “Sent while Herald was down” to alice.');
        // The tabs reconnect with since/epoch and get the missed notification replayed.
        await bubble(a1, 2, RECONNECT_MS);
        await bubble(a2, 2, RECONNECT_MS);
        await connected(a1);
        await connected(a2);
        if (process.env.HERALD_E2E_SCREENSHOTS) {
            const folder = resolve(process.env.HERALD_E2E_SCREENSHOTS);
            await mkdir(folder, { recursive: true });
            const path = join(folder, 'alice-bubble.png');
            await a1.screenshot({ path });
            console.log(`screenshot of alice's tab: ${path}`);
        }

        // 3. alice reads in tab 1: the database rows are marked read, Herald's read cursor
        //    moves, and tab 2's bubble drops to 0 without a reload.
        await a1.click('#mark-read');
        await flash(a1, 'Marked 2 messages read.');
        await bubble(a2, 0);
        await connected(a1);
        await bubble(a1, 0);
        assert.equal(await a1.locator('#message-list .message').count(), 2);
        assert.equal(await a1.locator('#message-list .message.unread').count(), 0);

        // bob was never notified.
        await b1.goto(`${django.url}/`);
        await connected(b1);
        await bubble(b1, 0);
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
