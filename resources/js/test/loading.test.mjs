// herald.js loads as a classic <script>, as an ES module and through CommonJS;
// Herald.bindBadge drives a minimal element.
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

import { FakeSocket, Herald, flush, heraldPath, tempDir } from './helpers.mjs';

const source = readFileSync(heraldPath, 'utf8');

test('a classic script defines window.Herald', () => {
    // In a browser the global object is window, and window.window === window.
    const window = { setTimeout, clearTimeout, WebSocket: FakeSocket };
    window.window = window;
    vm.runInNewContext(source, window, { filename: 'herald.js' });
    assert.equal(typeof window.Herald, 'function');
    assert.equal(typeof window.Herald.bindBadge, 'function');
    assert.equal(window.module, undefined, 'no CommonJS export leaks into a page');
    const herald = new window.Herald({ url: 'ws://x/ws', token: 't' });
    assert.equal(herald.state, 'idle');
    herald.close();
});

test('ES module: herald.mjs exports Herald, and a bare import of herald.js defines it', async (t) => {
    // A folder with "type": "module" makes Node load herald.js as a module too, as
    // <script type="module"> or `import './herald.js'` does in a browser: strict, no `module`.
    const dir = tempDir(t);
    writeFileSync(join(dir, 'package.json'), '{"type": "module"}\n');
    copyFileSync(heraldPath, join(dir, 'herald.js'));
    copyFileSync(heraldPath.replace(/\.js$/, '.mjs'), join(dir, 'herald.mjs'));
    delete globalThis.Herald;
    const module = await import(pathToFileURL(join(dir, 'herald.mjs')).href);
    assert.equal(typeof module.default, 'function');
    assert.equal(module.Herald, module.default);
    assert.equal(globalThis.Herald, module.default);
    assert.equal(typeof module.default.bindBadge, 'function');
});

test('CommonJS: require() returns Herald', () => {
    assert.equal(typeof Herald, 'function');
    assert.equal(Herald.name, 'Herald');
});

function fakeElement() {
    return { textContent: 'stale', hidden: false, style: { display: 'inline-block' } };
}

test('bindBadge shows the count and hides the element at zero', () => {
    const element = fakeElement();
    const update = Herald.bindBadge(element);
    assert.deepEqual(element, { textContent: '0', hidden: true, style: { display: 'none' } });
    update(3);
    assert.deepEqual(element, { textContent: '3', hidden: false, style: { display: '' } });
    update(0);
    assert.deepEqual(element, { textContent: '0', hidden: true, style: { display: 'none' } });
    update(-2);
    assert.equal(element.textContent, '0');
    const bare = { textContent: '' };
    Herald.bindBadge(bare)(12);
    assert.deepEqual(bare, { textContent: '12', hidden: false });
    assert.throws(() => Herald.bindBadge(null), TypeError);
});

test('bindBadge works as onUnread and bound to an instance', async () => {
    FakeSocket.made = [];
    const asCallback = fakeElement();
    const bound = fakeElement();
    const herald = new Herald({ url: 'ws://x/ws', token: 't', WebSocket: FakeSocket,
                                onUnread: Herald.bindBadge(asCallback) });
    await flush();
    FakeSocket.last().welcome({ seq: 4, unread: 2 });
    const update = Herald.bindBadge(bound, herald);
    assert.equal(bound.textContent, '2', 'fed the known count at once');
    FakeSocket.last().receive({ type: 'notification', seq: 5, id: 'n5', data: {} });
    assert.equal(asCallback.textContent, '3');
    assert.equal(bound.textContent, '3');
    FakeSocket.last().receive({ type: 'unread', count: 0, read_up_to: 5 });
    assert.equal(bound.hidden, true);
    assert.equal(asCallback.hidden, true);
    update.unbind();
    FakeSocket.last().receive({ type: 'unread', count: 9, read_up_to: 0 });
    assert.equal(bound.textContent, '0');
    assert.equal(asCallback.textContent, '9');
    herald.close();
});
