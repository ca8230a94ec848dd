#!/usr/bin/env node
// Many idle sessions plus a steady rate of unicast pushes, to profile herald-server's
// event loop (docs/PERFORMANCE.md, "Event loop"). Not a test, and not herald-bench: it
// sends at a fixed rate instead of as fast as it can.
//
//   node bench/idle-load.mjs <ws-port> <api-port> [sessions 4000] [pushes/s 500] [seconds 20]
//
// HERALD_SECRET and HERALD_API_KEY as for the server; `npm ci` provides ws. Prints a line
// once every session has its welcome frame, then the delivery latency percentiles.
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import WebSocket from 'ws';

const [wsPort, apiPort, sessions = 4000, rate = 500, seconds = 20] =
    process.argv.slice(2).map(Number);
const secret = process.env.HERALD_SECRET;
const apiKey = process.env.HERALD_API_KEY;
if (!wsPort || !apiPort || !secret || !apiKey) {
    console.error('usage: HERALD_SECRET=... HERALD_API_KEY=... node bench/idle-load.mjs '
                  + '<ws-port> <api-port> [sessions] [pushes/s] [seconds]');
    process.exit(2);
}

const base64url = (value) => Buffer.from(value).toString('base64url');

function token(user) {
    const head = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = base64url(JSON.stringify({ sub: user, exp: Math.floor(Date.now() / 1000) + 3600 }));
    const signature = createHmac('sha256', secret).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${signature}`;
}

const latencies = [];

function open(user) {
    return new Promise((resolve, reject) => {
        const socket = new WebSocket(`ws://127.0.0.1:${wsPort}/ws?token=${token(user)}`);
        socket.on('message', (raw) => {
            const frame = JSON.parse(raw);
            if (frame.type === 'welcome')
                resolve(socket);
            else if (frame.type === 'notification')
                latencies.push(performance.now() - frame.data.sent);
        });
        socket.on('error', reject);
    });
}

async function connectAll() {
    const sockets = [];
    for (let first = 0; first < sessions; first += 200) {
        const batch = [];
        for (let i = first; i < Math.min(first + 200, sessions); ++i)
            batch.push(open(`idle-${i}`));
        sockets.push(...await Promise.all(batch));
    }
    return sockets;
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 8 });
let accepted = 0;

function push(user) {
    const body = JSON.stringify({ users: [user], data: { sent: performance.now() } });
    const request = http.request({
        host: '127.0.0.1', port: apiPort, path: '/api/v1/notify', method: 'POST', agent,
        headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${apiKey}` },
    }, (response) => {
        if (response.statusCode === 202)
            ++accepted;
        response.resume();
    });
    request.end(body);
}

// Open loop: every 5 ms, whatever the schedule says is due by now.
function pushFor(ms) {
    return new Promise((resolve) => {
        const start = performance.now();
        let sent = 0;
        const timer = setInterval(() => {
            const elapsed = performance.now() - start;
            const due = Math.min(Math.floor(elapsed * rate / 1000), Math.floor(ms * rate / 1000));
            for (; sent < due; ++sent)
                push(`idle-${Math.floor(Math.random() * sessions)}`);
            if (elapsed >= ms) {
                clearInterval(timer);
                resolve(sent);
            }
        }, 5);
    });
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))];

const sockets = await connectAll();
console.log(`connected ${sockets.length} sessions; pushing ${rate}/s for ${seconds} s`);
const sent = await pushFor(seconds * 1000);
await new Promise((resolve) => setTimeout(resolve, 2000)); // the last deliveries
const sorted = latencies.sort((a, b) => a - b);
console.log(`pushes sent ${sent}, accepted ${accepted}, delivered ${sorted.length}`);
console.log(`delivery latency ms: p50 ${percentile(sorted, 0.5).toFixed(2)}, `
            + `p99 ${percentile(sorted, 0.99).toFixed(2)}, max ${sorted.at(-1).toFixed(2)}`);
for (const socket of sockets)
    socket.terminate();
agent.destroy();
