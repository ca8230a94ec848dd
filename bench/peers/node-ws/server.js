'use strict';
// The original design (see docs/PERFORMANCE.md, "Comparison with other servers"),
// kept as close to it as a benchmark allows: express + ws on one port, browsers
// connect to /client?user_id=<id> (one socket per user, the last one wins), and
// GET or POST /new/<id> sends the request body (or nothing) to that user's socket.
// Only changes: the body of a POST is forwarded, POST /broadcast sends to every
// socket, and per-connection logging is off unless VERBOSE=1, as herald-server's
// is during benchmarks.
const express = require('express');
const http = require('http');
const ws = require('ws');
const url = require('url');

const PORT = Number(process.argv[2] || process.env.PORT || 3000);
const HOST = process.env.HOST || '127.0.0.1';
const VERBOSE = process.env.VERBOSE === '1';

const app = express();
app.use(express.text({ type: '*/*', limit: '1mb' }));
const server = http.Server(app);
const wssClient = new ws.Server({ server: server, path: '/client' });

function noop() {}
function heartbeat() { this.isAlive = true; }

setInterval(function ping() {
    wssClient.clients.forEach(function each(socket) {
        if (socket.isAlive === false) return socket.terminate();
        socket.isAlive = false;
        socket.ping(noop);
    });
}, 30000);

const userSockets = {};
wssClient.on('connection', (socket, request) => {
    socket.isAlive = true;
    socket.on('pong', heartbeat);
    const userId = url.parse(request.url, true).query.user_id;
    userSockets[userId] = socket;
    if (VERBOSE) console.log('Connection established for user ' + userId);
});

function deliver(req, res) {
    const socket = userSockets[req.params.user_id];
    if (typeof socket !== 'undefined') {
        socket.send(typeof req.body === 'string' ? req.body : '');
    }
    res.send('Notification sent');
}
// Not in the original design: one call that reaches every open socket, so the
// benchmark can time a broadcast against the other servers'.
app.post('/broadcast', (req, res) => {
    const body = typeof req.body === 'string' ? req.body : '';
    for (const id in userSockets) userSockets[id].send(body);
    res.send('Broadcast sent');
});
app.get('/new/:user_id', deliver);
app.post('/new/:user_id', deliver);

server.listen(PORT, HOST, () => console.log(`node-ws listening on ${HOST}:${PORT}`));
