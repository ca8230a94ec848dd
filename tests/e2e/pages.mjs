// Shared by the end-to-end tests: waits on the Django example's pages in Chromium.

export const PASSWORD = 'e2e-password-7f3a';
export const WAIT_MS = 30000;
// After a kill -9, herald.js retries with full-jitter backoff (0.5 s, 1 s, 2 s, … caps):
// the reconnect may take several seconds.
export const RECONNECT_MS = 60000;

/** Waits for `predicate(arg)` to hold in `page`; on timeout names the wait and the page. */
export async function until(page, what, predicate, arg, timeout = WAIT_MS) {
    try {
        await page.waitForFunction(predicate, arg, { timeout, polling: 50 });
    } catch (error) {
        const state = await page.evaluate(() => {
            const bubble = document.getElementById('bubble');
            return { url: location.href,
                     bubble: bubble && { text: bubble.textContent, hidden: bubble.hidden },
                     herald: window.herald && { state: window.herald.state, seq: window.herald.seq,
                                                unread: window.herald.unread } };
        }).catch((e) => `unavailable: ${e.message}`);
        throw new Error(`${page.label}: ${what}: ${error.message.split('\n')[0]}\n`
            + `page state: ${JSON.stringify(state)}`);
    }
}

export const connected = (page) => until(page, 'herald connected',
    () => window.herald !== undefined && window.herald.state === 'open', undefined, RECONNECT_MS);

export const disconnected = (page) => until(page, 'herald noticed the server is gone',
    () => window.herald !== undefined && window.herald.state !== 'open');

export function bubble(page, count, timeout = WAIT_MS) {
    return until(page, `bubble shows ${count}${count === 0 ? ' (hidden)' : ''}`, (n) => {
        const el = document.getElementById('bubble');
        if (!el)
            return false; // between pages
        const visible = !el.hidden && getComputedStyle(el).display !== 'none';
        return el.textContent === String(n) && visible === (n > 0);
    }, count, timeout);
}

export async function login(page, username) {
    await page.goto(`${page.app}/accounts/login/`);
    await page.fill('#id_username', username);
    await page.fill('#id_password', PASSWORD);
    await Promise.all([page.waitForURL(`${page.app}/`), page.click('#login-form button[type=submit]')]);
}

export const flash = (page, text) => until(page, `flash message "${text}"`,
    (t) => [...document.querySelectorAll('.flash li')].some((li) => li.textContent.includes(t)),
    text, RECONNECT_MS);
