/*
 * herald.js: browser client for Herald push notifications. No dependencies.
 *
 * Loading
 *   <script src="herald.js"></script>       classic script: defines window.Herald
 *   import Herald from './herald.mjs';        ES module (herald.mjs re-exports this file)
 *   import './herald.js';                     also works: runs it, then use globalThis.Herald
 *   require('./herald.js')                    CommonJS (Node): module.exports is Herald
 *
 * API
 *   const herald = new Herald({
 *     url: 'wss://push.example.com/ws',       // the server's /ws endpoint, or a list of them:
 *                                             // ['wss://a.example.com/ws', 'wss://b.example.com/ws']
 *     token: 'jwt' | getToken: async (info) => 'jwt',
 *     onNotification(frame) {},               // {type, id, seq?, event?, data, ts}; each once
 *     onUnread(count) {},                     // on welcome, unread frames, each new notification
 *     onStatus({state, attempt, delayMs, code, reason, seq, epoch}) {},
 *     onError({code, message}) {},            // error frames the server sent
 *     backoff: {initialMs: 500, maxMs: 30000, stableMs: 60000},
 *     connectTimeoutMs: 20000,                // no welcome by then: give up on that attempt
 *     WebSocket, random, setTimeout, clearTimeout,   // injections for Node and tests
 *   });
 *   herald.markRead(upTo = herald.seq)  sends {"type":"read","up_to":n}; false when offline
 *   herald.watchUnread(fn)             calls fn(count) now (once known) and on each change;
 *                                      returns an unsubscribe function
 *   herald.close()                     stops for good
 *   herald.state / seq / epoch / unread / attempt / url   read-only (url: the one in use)
 *   Herald.bindBadge(element[, herald]) returns update(count), which sets element.textContent
 *                                      to the count and hides the element at 0; pass it as
 *                                      onUnread, or pass the herald instance to subscribe it
 *                                      (update.unbind() then unsubscribes).
 *
 * States (onStatus): 'connecting' {attempt, url} → 'open' {attempt, url} after the server's welcome;
 * 'closed' {code, reason, attempt, delayMs} when a connection ends and a retry is scheduled;
 * 'reset' {seq, epoch} when a resume could not cover the gap (the app should reload its list);
 * 'stopped' {code, reason} after close(), close code 4003, or a WebSocket that cannot be made
 * (and after 4002 without getToken).
 *
 * Reconnecting: full jitter, delay = random() * min(maxMs, initialMs * 2^attempt); attempt
 * counts connections in a row that failed or lasted less than stableMs. After a welcome,
 * reconnects carry &since=<seq>&epoch=<epoch> and the server replays what was missed.
 * A refused handshake (HTTP 401) reaches a browser as close 1006 without open, so getToken is
 * asked before every attempt after the first; info.rejected tells that the last attempt
 * ended before its welcome. A static token is reused.
 * 4002 ("token expired", servers with enforce_token_expiry) is not a failure: getToken is
 * asked at once with info.reason 'expired', and the client reconnects after a short jitter
 * (random() * initialMs) and resumes from its seq, so nothing is lost; with only a static
 * token, which cannot get better, it stops.
 * Only 4003 ("disconnected by server") is terminal. 1001 (shutdown, heartbeat timeout), 1008
 * (slow consumer, too many messages) and 1012 (service restart: a server draining) are
 * passing conditions: those retry with backoff.
 *
 * Several URLs (the nodes of a cluster sharing one broker, README "Running several nodes"):
 * the client starts with the first, and each connection that fails or ends (1006 when a node
 * is killed or unreachable, 1012 when it restarts, any other retried close) makes the retry go
 * to the next URL, in a ring, after the same backoff delay as with one URL. The resume carries
 * the same since/epoch to the new node, which replays what was missed: nothing is lost and the
 * client drops anything it already had, so nothing is delivered twice. 4002 reconnects to the
 * same URL. Give pages the list in different orders (for instance rotated by user) to spread
 * the first connections over the nodes.
 */
(function (root, factory) {
    'use strict';
    var Herald = factory(root);
    if (typeof module === 'object' && module && module.exports)
        module.exports = Herald;
    root.Herald = Herald;
})(typeof globalThis !== 'undefined' ? globalThis : typeof self !== 'undefined' ? self : this,
   function (root) {
    'use strict';

    const OPEN = 1; // WebSocket.OPEN
    const TERMINAL_CODES = [4003];
    const TOKEN_EXPIRED = 4002;
    const SEEN_IDS_LIMIT = 1000;
    const DEFAULT_BACKOFF = { initialMs: 500, maxMs: 30000, stableMs: 60000 };

    function whole(value) {
        return typeof value === 'number' && isFinite(value) ? value : 0;
    }

    // A throwing app callback must not break the connection logic.
    function report(error) {
        if (typeof root.reportError === 'function')
            root.reportError(error);
        else if (typeof console !== 'undefined')
            console.error(error);
    }

    class Herald {
        constructor(options) {
            const o = options || {};
            const urls = typeof o.url === 'string' ? [o.url] : o.url;
            if (!Array.isArray(urls) || urls.length === 0
                || urls.some((url) => typeof url !== 'string' || url === ''))
                throw new TypeError('Herald: options.url must be a URL or a non-empty list of URLs');
            if (!o.token && typeof o.getToken !== 'function')
                throw new TypeError('Herald: options.token or options.getToken is required');
            this._WebSocket = o.WebSocket || root.WebSocket;
            if (typeof this._WebSocket !== 'function')
                throw new TypeError('Herald: no WebSocket implementation; pass options.WebSocket');
            this._options = o;
            this._urls = urls.slice();
            this._urlIndex = 0;     // the URL the next (or current) connection uses
            this._backoff = Object.assign({}, DEFAULT_BACKOFF, o.backoff);
            this._random = o.random || Math.random;
            const set = o.setTimeout || root.setTimeout;
            const clear = o.clearTimeout || root.clearTimeout;
            this._setTimer = (fn, ms) => set(fn, ms);
            this._clearTimer = (id) => clear(id);
            this._connectTimeoutMs = o.connectTimeoutMs || 20000;
            this._timers = { retry: null, stable: null, connect: null };
            this._state = 'idle';
            this._socket = null;
            this._stopped = false;
            this._attempt = 0;
            this._staticTokenUsed = false;
            this._welcomed = false;  // the current socket got its welcome
            this._rejected = false;  // the last attempt ended before its welcome
            this._expired = false;   // the server closed the last connection with 4002
            this._resuming = false;  // the current socket asked for a replay
            this._seq = null;        // last seq seen; null until the first welcome
            this._epoch = null;
            this._unread = null;     // null until the first welcome
            this._countedUpTo = 0;   // highest seq already included in _unread
            this._seenIds = new Set();
            this._unreadWatchers = [];
            // Deferred, so callbacks may already refer to the constructed object.
            Promise.resolve().then(() => this._connect());
        }

        get state() { return this._state; }
        get seq() { return this._seq; }
        get epoch() { return this._epoch; }
        get unread() { return this._unread === null ? 0 : this._unread; }
        get attempt() { return this._attempt; }
        get url() { return this._urls[this._urlIndex]; }

        markRead(upTo) {
            const seq = upTo === undefined ? this._seq : upTo;
            if (seq === null)
                return false;
            if (!Number.isInteger(seq) || seq < 0)
                throw new TypeError('Herald.markRead: up_to must be a whole number >= 0');
            const socket = this._socket;
            if (!socket || !this._welcomed || socket.readyState !== OPEN)
                return false;
            socket.send(JSON.stringify({ type: 'read', up_to: seq }));
            return true;
        }

        watchUnread(fn) {
            this._unreadWatchers.push(fn);
            if (this._unread !== null)
                fn(this._unread);
            return () => {
                this._unreadWatchers = this._unreadWatchers.filter((f) => f !== fn);
            };
        }

        close() {
            if (this._stopped)
                return;
            const socket = this._socket;
            this._stop({ state: 'stopped', code: 1000, reason: 'closed by client' });
            if (socket) {
                try { socket.close(1000, 'closed by client'); } catch (error) { /* already closed */ }
            }
        }

        static bindBadge(element, herald) {
            if (!element)
                throw new TypeError('Herald.bindBadge: no element');
            const update = (count) => {
                const n = typeof count === 'number' && count > 0 ? Math.floor(count) : 0;
                element.textContent = String(n);
                element.hidden = n === 0;
                // A stylesheet's display rule would override the hidden attribute.
                if (element.style)
                    element.style.display = n === 0 ? 'none' : '';
            };
            update(0);
            if (herald)
                update.unbind = herald.watchUnread(update);
            return update;
        }

        async _connect() {
            if (this._stopped)
                return;
            this._emitStatus({ state: 'connecting', attempt: this._attempt, url: this.url });
            let token;
            try {
                token = await this._nextToken();
                if (typeof token !== 'string' || token === '')
                    throw new Error('getToken returned no token');
            } catch (error) {
                if (!this._stopped)
                    this._retry(0, 'getToken failed: ' + (error && error.message ? error.message : error));
                return;
            }
            if (!this._stopped)
                this._open(token);
        }

        _nextToken() {
            const o = this._options;
            if (o.token && (!this._staticTokenUsed || typeof o.getToken !== 'function')) {
                this._staticTokenUsed = true;
                return Promise.resolve(o.token);
            }
            const info = { attempt: this._attempt, rejected: this._rejected };
            if (this._expired)
                info.reason = 'expired';
            return Promise.resolve(o.getToken(info));
        }

        _url(token) {
            const base = this.url;
            let url = base + (base.indexOf('?') === -1 ? '?' : '&') + 'token=' + encodeURIComponent(token);
            if (this._epoch !== null)
                url += '&since=' + this._seq + '&epoch=' + encodeURIComponent(this._epoch);
            return url;
        }

        _open(token) {
            let socket;
            try {
                socket = new this._WebSocket(this._url(token));
            } catch (error) {
                // A bad URL or a blocked port: retrying cannot help.
                report(error);
                this._stop({ state: 'stopped', code: 0, reason: String(error && error.message || error) });
                return;
            }
            this._socket = socket;
            this._welcomed = false;
            this._resuming = this._epoch !== null;
            socket.onopen = () => {};
            socket.onerror = () => {}; // a close event follows
            socket.onmessage = (event) => { if (this._socket === socket) this._onMessage(event.data); };
            socket.onclose = (event) => {
                if (this._socket === socket)
                    this._onClose(event.code, event.reason);
            };
            this._timers.connect = this._setTimer(() => this._abandon(socket), this._connectTimeoutMs);
        }

        // Neither a welcome nor a close came in time: drop the socket and count a failure.
        _abandon(socket) {
            this._timers.connect = null;
            if (this._socket !== socket)
                return;
            this._onClose(1006, 'connect timeout');
            try { socket.close(); } catch (error) { /* never opened */ }
        }

        _onMessage(text) {
            let frame;
            try { frame = JSON.parse(text); } catch (error) { return; }
            if (!frame || typeof frame !== 'object')
                return;
            switch (frame.type) {
            case 'welcome': return this._onWelcome(frame);
            case 'notification': return this._onNotification(frame);
            case 'resumed': return this._onResumed(frame);
            case 'unread':
                return this._setUnread(whole(frame.count));
            case 'error':
                return this._call('onError', { code: frame.code, message: frame.message });
            }
        }

        _onWelcome(frame) {
            this._welcomed = true;
            this._rejected = false;
            this._expired = false;
            this._cancel('connect');
            // A resuming client keeps its position until the replay and 'resumed' are through.
            if (!this._resuming) {
                this._seq = whole(frame.seq);
                this._epoch = String(frame.epoch);
            }
            // The welcome's unread already counts everything up to the server's latest seq.
            this._countedUpTo = Math.max(whole(frame.seq), whole(frame.read_up_to));
            this._timers.stable = this._setTimer(() => {
                this._timers.stable = null;
                this._attempt = 0;
            }, this._backoff.stableMs);
            this._emitStatus({ state: 'open', attempt: this._attempt, url: this.url });
            this._setUnread(whole(frame.unread));
        }

        _onNotification(frame) {
            const id = typeof frame.id === 'string' ? frame.id : null;
            const seq = typeof frame.seq === 'number' ? frame.seq : null;
            if (id !== null && this._seenIds.has(id))
                return;
            if (seq !== null && this._seq !== null && seq <= this._seq)
                return;
            if (id !== null)
                this._remember(id);
            if (seq !== null)
                this._seq = seq;
            this._call('onNotification', frame);
            // Live-only pushes carry no seq and are not in the server's unread count.
            if (seq !== null && seq > this._countedUpTo) {
                this._countedUpTo = seq;
                this._setUnread(this.unread + 1);
            }
        }

        _onResumed(frame) {
            this._resuming = false;
            if (frame.ok) {
                this._seq = Math.max(this._seq, whole(frame.seq));
                return;
            }
            this._seq = whole(frame.seq);
            this._epoch = String(frame.epoch);
            this._countedUpTo = Math.max(this._countedUpTo, this._seq);
            this._emitStatus({ state: 'reset', seq: this._seq, epoch: this._epoch });
        }

        _onClose(code, reason) {
            this._socket = null;
            this._cancel('connect');
            this._cancel('stable');
            if (this._stopped)
                return;
            if (TERMINAL_CODES.indexOf(code) !== -1) {
                this._stop({ state: 'stopped', code: code, reason: reason });
                return;
            }
            if (code === TOKEN_EXPIRED)
                return this._renewToken(code, reason);
            if (!this._welcomed)
                this._rejected = true;
            // This node failed or went away: the retry goes to the next one.
            this._urlIndex = (this._urlIndex + 1) % this._urls.length;
            this._retry(code, reason);
        }

        // The token ran out, not the connection: no backoff step, only a jitter that spreads
        // clients whose tokens expire together.
        _renewToken(code, reason) {
            if (typeof this._options.getToken !== 'function') {
                this._stop({ state: 'stopped', code: code, reason: reason });
                return;
            }
            this._expired = true;
            const delayMs = Math.floor(this._random() * this._backoff.initialMs);
            this._emitStatus({ state: 'closed', code: code, reason: reason, attempt: this._attempt,
                               delayMs: delayMs });
            this._timers.retry = this._setTimer(() => {
                this._timers.retry = null;
                this._connect();
            }, delayMs);
        }

        _retry(code, reason) {
            const b = this._backoff;
            const cap = Math.min(b.maxMs, b.initialMs * Math.pow(2, this._attempt));
            const delayMs = Math.floor(this._random() * cap);
            this._attempt += 1;
            this._emitStatus({ state: 'closed', code: code, reason: reason, attempt: this._attempt,
                               delayMs: delayMs });
            this._timers.retry = this._setTimer(() => {
                this._timers.retry = null;
                this._connect();
            }, delayMs);
        }

        _stop(status) {
            this._stopped = true;
            this._socket = null;
            this._cancel('retry');
            this._cancel('connect');
            this._cancel('stable');
            this._emitStatus(status);
        }

        _cancel(name) {
            if (this._timers[name] !== null) {
                this._clearTimer(this._timers[name]);
                this._timers[name] = null;
            }
        }

        _remember(id) {
            this._seenIds.add(id);
            if (this._seenIds.size > SEEN_IDS_LIMIT)
                this._seenIds.delete(this._seenIds.values().next().value);
        }

        _setUnread(count) {
            this._unread = count;
            this._call('onUnread', count);
            for (const fn of this._unreadWatchers.slice()) {
                try { fn(count); } catch (error) { report(error); }
            }
        }

        _emitStatus(status) {
            if (status.state !== 'reset')
                this._state = status.state;
            this._call('onStatus', status);
        }

        _call(name, argument) {
            const fn = this._options[name];
            if (typeof fn !== 'function')
                return;
            try { fn(argument); } catch (error) { report(error); }
        }
    }

    return Herald;
});
