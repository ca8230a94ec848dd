#!/usr/bin/env bash
# A cluster on one machine: one redis-server and NODES herald-server nodes on it
# (--broker), each holding PER_NODE sessions from its own herald-bench process (one
# process could not hold them all: 20,000 open files each here). Node 1's process
# drives: unicast latency and (MAX_RATE=1) the maximum sustained unicast rate through
# node 1 to its own sessions, then broadcasts; the other processes only listen
# (--listen) and report when each broadcast reached their last session. Prints, per
# broadcast, the time until the last session of the whole cluster had it.
#
# Tunables (environment): NODES (default 3), PER_NODE (default 15000), RATE (default
# 100), LATENCY_PUSHES (default 500), MAX_RATE (default 1), STEP_MS (default 2000),
# WORKERS (per node, default 1), CONNECT_BATCH (default 500), BUILD_DIR, KEEP_WORK (1: keep
# the nodes' logs and the processes' output).
# Needs: redis-server (Debian: redis-server).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
NODES=${NODES:-3}
PER_NODE=${PER_NODE:-15000}
RATE=${RATE:-100}
LATENCY_PUSHES=${LATENCY_PUSHES:-500}
MAX_RATE=${MAX_RATE:-1}
STEP_MS=${STEP_MS:-2000}
WORKERS=${WORKERS:-1}
CONNECT_BATCH=${CONNECT_BATCH:-500}
SERVER_LOG_RULES=${SERVER_LOG_RULES-herald.server.ws.info=false;herald.server.api.info=false}

SERVER=$BUILD_DIR/server/herald-server
BENCH=$BUILD_DIR/bench/herald-bench
WORK=$(mktemp -d "${TMPDIR:-/tmp}/herald-cluster.XXXXXX")
PIDS=() # every process this script started, stopped by PID at exit

say() { printf 'cluster.sh: %s\n' "$*" >&2; }

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    if [[ -n ${KEEP_WORK:-} ]]; then say "logs kept in $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below the kernel's ephemeral range, where closed client ports linger.
free_port() {
    local port low
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    while :; do
        port=$((10000 + RANDOM % (low - 10000)))
        listening "$port" || { echo "$port"; return; }
    done
}

# Waits for a port to listen while its process lives.
wait_for_port() {
    local port=$1 pid=$2 _
    for _ in $(seq 400); do
        kill -0 "$pid" 2>/dev/null || return 1
        listening "$port" && return 0
        sleep 0.05
    done
    return 1
}

# Waits until a file has a line starting with a word, while its process lives.
wait_for_line() {
    local file=$1 word=$2 pid=$3
    until grep -q "^$word" "$file" 2>/dev/null; do
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.5
    done
}

main() {
    say "building herald-server and herald-bench in $BUILD_DIR"
    cmake --build "$BUILD_DIR" --target herald-server herald-bench >/dev/null
    ulimit -n "$(ulimit -Hn)"

    local redis_port
    redis_port=$(free_port)
    redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
        >"$WORK/redis.log" 2>&1 &
    PIDS+=($!)
    wait_for_port "$redis_port" "$!" || { say "redis-server did not start"; cat "$WORK/redis.log" >&2; return 1; }
    say "redis-server: pid $!, port $redis_port"

    local -a ws api pids
    local i
    for ((i = 1; i <= NODES; i++)); do
        ws[i]=$(free_port)
        api[i]=$(free_port)
        QT_LOGGING_RULES=$SERVER_LOG_RULES "$SERVER" --broker "redis://127.0.0.1:$redis_port" \
            --ws-bind 127.0.0.1 --api-bind 127.0.0.1 --ws-port "${ws[i]}" --api-port "${api[i]}" \
            --workers "$WORKERS" --max-sessions "$((PER_NODE + 100))" --data-dir "$WORK/node$i" \
            --max-handshakes 4096 --max-handshakes-per-address 4096 >"$WORK/node$i.log" 2>&1 &
        pids[i]=$!
        PIDS+=($!)
        wait_for_port "${ws[i]}" "${pids[i]}" && wait_for_port "${api[i]}" "${pids[i]}" || {
            say "node $i did not start"; cat "$WORK/node$i.log" >&2; return 1; }
        say "node $i: pid ${pids[i]}, ws ${ws[i]}, api ${api[i]}"
    done
    local all_pids
    all_pids=$(IFS=,; echo "${pids[*]:1}")

    local -a listeners
    for ((i = 2; i <= NODES; i++)); do
        "$BENCH" --scenario compare --listen --churn 0 --users "$PER_NODE" \
            --first-user "$(((i - 1) * PER_NODE))" --connect-batch "$CONNECT_BATCH" \
            --ws-url "ws://127.0.0.1:${ws[i]}" --api-url "http://127.0.0.1:${api[i]}" \
            >"$WORK/listener$i.txt" 2>&1 &
        listeners[i]=$!
        PIDS+=($!)
        wait_for_line "$WORK/listener$i.txt" listening "${listeners[i]}" || {
            say "listener $i failed"; cat "$WORK/listener$i.txt" >&2; return 1; }
        say "node $i: $(grep '^sessions' "$WORK/listener$i.txt"), $(grep '^connect rate' "$WORK/listener$i.txt")"
    done

    local -a args=(--scenario compare --churn 0 --users "$PER_NODE" --first-user 0
                   --ws-url "ws://127.0.0.1:${ws[1]}" --api-url "http://127.0.0.1:${api[1]}"
                   --server-pid "$all_pids" --rate "$RATE" --pushes "$LATENCY_PUSHES"
                   --connect-batch "$CONNECT_BATCH" --step-ms "$STEP_MS")
    [[ $MAX_RATE == 1 ]] && args+=(--max-rate)
    say "node 1 drives: ${args[*]}"
    "$BENCH" "${args[@]}" | tee "$WORK/driver.txt" | sed 's/^/  [node 1] /' >&2 || true

    for ((i = 2; i <= NODES; i++)); do
        kill -TERM "${listeners[i]}" 2>/dev/null || true
        wait "${listeners[i]}" 2>/dev/null || true
    done

    # Per broadcast: sessions of the whole cluster that had it, and the time until the last.
    printf '\n%s nodes x %s sessions on one Redis; broadcast time to last over all %s sessions\n\n' \
        "$NODES" "$PER_NODE" "$((NODES * PER_NODE))"
    cat "$WORK/driver.txt" "$WORK"/listener*.txt | awk -F'[= ]' -v total="$((NODES * PER_NODE))" '
        $1 == "heard" { sent = $3; got[sent] += $5; if ($7 > last[sent]) last[sent] = $7 }
        END {
            n = 0
            for (sent in got) {
                printf "broadcast sent_ns %s: %d of %d sessions, last after %.1f ms\n", sent, got[sent], total, (last[sent] - sent) / 1e6
                ms[++n] = (last[sent] - sent) / 1e6
            }
            if (n == 0) { print "no broadcast heard"; exit }
            for (i = 2; i <= n; i++) { v = ms[i]; for (j = i - 1; j > 0 && ms[j] > v; j--) ms[j + 1] = ms[j]; ms[j + 1] = v }
            printf "result cluster_broadcast_ms=%.1f ms (median of %d)\n", (n % 2) ? ms[(n + 1) / 2] : (ms[n / 2] + ms[n / 2 + 1]) / 2, n
        }'
    grep -E '^(unicast|max unicast|  step|  CPU)' "$WORK/driver.txt" || true
}

HERALD_SECRET=$(secret)
HERALD_API_KEY=$(secret)
export HERALD_SECRET HERALD_API_KEY
main
