#!/usr/bin/env bash
# Builds herald-server and herald-bench if needed, starts a server on free
# loopback ports with freshly generated secrets, runs the notify, fanout and
# broadcast scenarios against it and prints each report. Exits non-zero if any
# scenario lost, duplicated or failed to send a notification.
#
# Tunables (environment): BUILD_DIR, WORKERS, USERS, SESSIONS_PER_USER,
# NOTIFY_PUSHES, NOTIFY_CONCURRENCY, FANOUT_PUSHES, FANOUT_USERS,
# FANOUT_CONCURRENCY, BROADCASTS, CONNECT_BATCH, SCENARIOS, SERVER_LOG_RULES,
# SERVER_ARGS (extra herald-server flags, word-split, e.g. "--heartbeat-s 60"),
# COMPARE_STORES (1: first run notify on a memory-store server, then everything
# on the default SQLite store, and print the SQLite/memory push-rate ratio).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
WORKERS=${WORKERS:-2}
USERS=${USERS:-1000}
SESSIONS_PER_USER=${SESSIONS_PER_USER:-2}
NOTIFY_PUSHES=${NOTIFY_PUSHES:-20000}
NOTIFY_CONCURRENCY=${NOTIFY_CONCURRENCY:-32}
FANOUT_PUSHES=${FANOUT_PUSHES:-200}
FANOUT_USERS=${FANOUT_USERS:-500}
FANOUT_CONCURRENCY=${FANOUT_CONCURRENCY:-4}
BROADCASTS=${BROADCASTS:-50}
CONNECT_BATCH=${CONNECT_BATCH:-500}
SCENARIOS=${SCENARIOS:-notify fanout broadcast}
COMPARE_STORES=${COMPARE_STORES:-1}
# The server logs every connect and push at info level; that is its own cost,
# not the delivery path's, so the benchmark turns those lines off.
SERVER_LOG_RULES=${SERVER_LOG_RULES-herald.server.ws.info=false;herald.server.api.info=false}
read -r -a SERVER_EXTRA <<<"${SERVER_ARGS:-}"
# Every load session comes from 127.0.0.1, CONNECT_BATCH at a time: more
# handshakes from one address than the server's default allows one address.
LOAD_HANDSHAKES=$((CONNECT_BATCH * 2 > 1024 ? CONNECT_BATCH * 2 : 1024))

SERVER=$BUILD_DIR/server/herald-server
BENCH=$BUILD_DIR/bench/herald-bench
WORK=$(mktemp -d "${TMPDIR:-/tmp}/herald-bench.XXXXXX")
SERVER_LOG=$WORK/herald-server.log
SERVER_PID=

cleanup() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf 'run.sh: %s\n' "$*" >&2; }

build() {
    if [[ ! -f $BUILD_DIR/build.ninja && ! -f $BUILD_DIR/Makefile ]]; then
        say "configuring $BUILD_DIR"
        cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
    fi
    say "building herald-server and herald-bench in $BUILD_DIR"
    cmake --build "$BUILD_DIR" --target herald-server herald-bench >/dev/null
}

# 48 hex characters: comfortably above the server's 32-character minimum.
secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        listening "$port" || { echo "$port"; return; }
    done
}

# Starts the server on two free ports; retries if another process grabbed one first.
start_server() {
    local attempt
    for attempt in 1 2 3 4 5; do
        WS_PORT=$(free_port)
        API_PORT=$(free_port)
        [[ $WS_PORT != "$API_PORT" ]] || continue
        ulimit -n "$(ulimit -Hn)"
        # From inside $WORK: whatever the server keeps relative to its working
        # directory (its data folder) lands in the throwaway directory.
        (cd "$WORK" && QT_LOGGING_RULES=$SERVER_LOG_RULES exec "$SERVER" \
            --ws-bind 127.0.0.1 --api-bind 127.0.0.1 --ws-port "$WS_PORT" \
            --api-port "$API_PORT" --workers "$WORKERS" \
            --max-handshakes-per-address "$LOAD_HANDSHAKES" "${SERVER_EXTRA_RUN[@]}" \
            "${SERVER_EXTRA[@]}" >"$SERVER_LOG" 2>&1) &
        SERVER_PID=$!
        if wait_for_server; then
            say "herald-server pid $SERVER_PID: ws 127.0.0.1:$WS_PORT, api 127.0.0.1:$API_PORT, $WORKERS workers"
            return 0
        fi
        say "herald-server did not start (attempt $attempt):"
        cat "$SERVER_LOG" >&2
        SERVER_PID=
    done
    return 1
}

wait_for_server() {
    local _
    for _ in $(seq 100); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        listening "$WS_PORT" && listening "$API_PORT" && return 0
        sleep 0.05
    done
    kill "$SERVER_PID" 2>/dev/null || true
    return 1
}

# utime + stime of the server in seconds, from /proc.
server_cpu() {
    local stat
    read -r -a stat <"/proc/$SERVER_PID/stat" || { echo 0; return; }
    # Fields 14 and 15 (1-based) once the "(comm)" field is one word.
    awk -v u="${stat[13]}" -v s="${stat[14]}" -v hz="$(getconf CLK_TCK)" \
        'BEGIN { printf "%.2f", (u + s) / hz }'
}

run_scenario() {
    local scenario=$1
    local -a args=(--ws-url "ws://127.0.0.1:$WS_PORT/ws" --api-url "http://127.0.0.1:$API_PORT"
                   --users "$USERS" --sessions-per-user "$SESSIONS_PER_USER"
                   --connect-batch "$CONNECT_BATCH" --scenario "$scenario")
    case $scenario in
    notify) args+=(--pushes "$NOTIFY_PUSHES" --concurrency "$NOTIFY_CONCURRENCY") ;;
    fanout) args+=(--pushes "$FANOUT_PUSHES" --fanout-users "$FANOUT_USERS"
                   --concurrency "$FANOUT_CONCURRENCY") ;;
    broadcast) args+=(--pushes "$BROADCASTS") ;;
    *) say "unknown scenario $scenario"; return 2 ;;
    esac
    local before after status=0
    before=$(server_cpu)
    "$BENCH" "${args[@]}" | tee "$WORK/$scenario.report" || status=${PIPESTATUS[0]}
    after=$(server_cpu)
    awk -v a="$after" -v b="$before" 'BEGIN { printf "  %-18s %.2f s\n\n", "server CPU", a - b }'
    return "$status"
}

stop_server() {
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
    SERVER_PID=
}

# The notify scenario's pushes/s figure, from its report.
push_rate() { awk '$1 == "pushes/s" { print $2 }' "$WORK/notify.report"; }

# Runs the scenarios against a server started with the given extra flags.
run_all() {
    local label=$1 scenarios=$2 scenario
    shift 2
    SERVER_EXTRA_RUN=("$@")
    say "== $label =="
    start_server || { say "giving up: herald-server would not start"; exit 1; }
    for scenario in $scenarios; do
        run_scenario "$scenario" || failed+=("$label/$scenario")
        # Let the server reap the previous run's sessions before the next one connects.
        sleep 1
    done
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then
        say "herald-server exited during the run; its log:"
        cat "$SERVER_LOG" >&2
        exit 1
    fi
    stop_server
}

main() {
    build
    failed=()
    local memory_rate='' sqlite_rate=''
    if [[ $COMPARE_STORES == 1 ]]; then
        run_all "memory store" notify --store memory
        memory_rate=$(push_rate)
    fi
    rm -rf "$WORK/data"
    run_all "SQLite store" "$SCENARIOS" --store sqlite --data-dir "$WORK/data"
    if [[ $COMPARE_STORES == 1 && $SCENARIOS == *notify* ]]; then
        sqlite_rate=$(push_rate)
        awk -v m="$memory_rate" -v s="$sqlite_rate" 'BEGIN {
            printf "== store comparison (notify) ==\n  memory store       %s pushes/s\n", m
            printf "  SQLite store       %s pushes/s\n  SQLite / memory    %.2f (target >= 0.80)\n", s, s / m }'
    fi
    if ((${#failed[@]})); then
        say "FAILED: ${failed[*]}"
        exit 1
    fi
    say "all scenarios passed"
}

HERALD_SECRET=$(secret)
HERALD_API_KEY=$(secret)
export HERALD_SECRET HERALD_API_KEY # read by both herald-server and herald-bench
main
