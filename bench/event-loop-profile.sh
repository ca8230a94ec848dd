#!/usr/bin/env bash
# Profiles herald-server with many idle sessions and a steady rate of unicast pushes,
# once on Qt's own event dispatcher and once on epoll (docs/PERFORMANCE.md, "Event
# loop"): server CPU over the window, delivery latency, and the top of `perf report`.
#
#   bench/event-loop-profile.sh [sessions 4000] [pushes/s 500] [seconds 15]
#
# Needs a build (BUILD_DIR, default ./build), Debian's linux-perf, node and `npm ci`
# (for ws). The server runs with two workers and the memory store, so that disk writes
# do not blur the picture; the perf data stays in PROFILE_DIR if set.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
SESSIONS=${1:-4000}
RATE=${2:-500}
WINDOW=${3:-15}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/herald-profile.XXXXXX")
OUT=${PROFILE_DIR:-$WORK}
SERVER_PID=
LOAD_PID=

cleanup() {
    for pid in $LOAD_PID $SERVER_PID; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

# utime + stime of the server in clock ticks.
server_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat"; }

# Waits up to 60 s for a line matching $2 in file $1.
wait_for() {
    local _
    for _ in $(seq 600); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "event-loop-profile: no '$2' in $1" >&2
    cat "$1" >&2
    return 1
}

profile() {
    local loop=$1 log=$WORK/server-$1.log load=$WORK/load-$1.txt ports before after
    (cd "$WORK" && HERALD_EVENT_LOOP=$loop \
        QT_LOGGING_RULES='herald.server.ws.info=false;herald.server.api.info=false' \
        exec "$BUILD_DIR/server/herald-server" --ws-port 0 --api-port 0 --workers 2 \
        --store memory --max-handshakes 4096 --max-handshakes-per-address 4096 >"$log" 2>&1) &
    SERVER_PID=$!
    wait_for "$log" 'listening:'
    read -r -a ports < <(sed -nE 's/.*WebSocket \S+ ([0-9]+) .*push API \S+ ([0-9]+).*/\1 \2/p' "$log")
    node "$ROOT/bench/idle-load.mjs" "${ports[0]}" "${ports[1]}" "$SESSIONS" "$RATE" \
        "$WINDOW" >"$load" &
    LOAD_PID=$!
    wait_for "$load" '^connected'
    before=$(server_ticks)
    perf record -q -g -p "$SERVER_PID" -o "$OUT/perf-$loop.data" -- sleep "$WINDOW" 2>/dev/null
    after=$(server_ticks)
    wait "$LOAD_PID"
    LOAD_PID=
    echo "== event loop $loop: $SESSIONS idle sessions, $RATE pushes/s for $WINDOW s =="
    awk -v t=$((after - before)) -v hz="$(getconf CLK_TCK)" -v s="$WINDOW" \
        'BEGIN { printf "server CPU         %.1f %% of a core\n", 100 * t / hz / s }'
    cat "$load"
    perf report -i "$OUT/perf-$loop.data" --stdio --no-children --sort dso,symbol \
        --percent-limit 1.5 -g none 2>/dev/null | grep -E '^ +[0-9]' | head -15 |
        sed -E 's/[[:space:]]+(-[[:space:]]+)*$//'
    echo
    kill "$SERVER_PID"
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

HERALD_SECRET=$(secret)
HERALD_API_KEY=$(secret)
export HERALD_SECRET HERALD_API_KEY
ulimit -n "$(ulimit -Hn)"
profile qt
profile epoll
