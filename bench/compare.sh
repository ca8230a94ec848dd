#!/usr/bin/env bash
# Side by side: herald-server (SQLite and memory store), the original Node design
# (bench/peers/node-ws) and nginx + Nchan (1 and 2 workers), each started on free
# loopback ports, measured by the same `herald-bench --scenario compare`, stopped
# by PID. Prints one table, peer x metric, with each figure's ratio to Herald on
# SQLite (medians of RUNS runs); one table per size in N.
#
# Tunables (environment): N (sessions, default 2000; several sizes with spaces, e.g.
# N="10000 19000"), RUNS (default 1), CHURN (rounds of closing and reopening every
# session, memory measured after the last, default 3), RATE (msg/s
# of the latency phase, default 100), LATENCY_PUSHES (default 500), MAX_RATE (1:
# also step the unicast rate up to the limit), STEP_MS, WORKERS (herald-server,
# default 2), CONNECT_BATCH (default 500), PEERS (default "herald-sqlite
# herald-memory node-ws nchan-1 nchan-2"), BUILD_DIR.
# Needs: node + npm (npm ci runs once in bench/peers/node-ws), nginx with the
# Nchan module (Debian: nginx-light libnginx-mod-nchan).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD_DIR=${BUILD_DIR:-$ROOT/build}
N=${N:-2000}
RUNS=${RUNS:-1}
CHURN=${CHURN:-3}
RATE=${RATE:-100}
LATENCY_PUSHES=${LATENCY_PUSHES:-500}
MAX_RATE=${MAX_RATE:-0}
STEP_MS=${STEP_MS:-2000}
WORKERS=${WORKERS:-2}
CONNECT_BATCH=${CONNECT_BATCH:-500}
PEERS=${PEERS:-herald-sqlite herald-memory node-ws nchan-1 nchan-2}
SERVER_LOG_RULES=${SERVER_LOG_RULES-herald.server.ws.info=false;herald.server.api.info=false}

SERVER=$BUILD_DIR/server/herald-server
BENCH=$BUILD_DIR/bench/herald-bench
NODE_WS=$ROOT/bench/peers/node-ws
NCHAN_TEMPLATE=$ROOT/bench/peers/nchan/nginx.conf.template
WORK=$(mktemp -d "${TMPDIR:-/tmp}/herald-compare.XXXXXX")
SERVER_PID=

say() { printf 'compare.sh: %s\n' "$*" >&2; }

stop_server() {
    if [[ -n $SERVER_PID ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    SERVER_PID=
}
cleanup() { stop_server; rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

build() {
    if [[ ! -f $BUILD_DIR/build.ninja && ! -f $BUILD_DIR/Makefile ]]; then
        say "configuring $BUILD_DIR"
        cmake -S "$ROOT" -B "$BUILD_DIR" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
            -DHERALD_BUILD_TESTS=OFF -DHERALD_BUILD_MONITOR=OFF >/dev/null
    fi
    say "building herald-server and herald-bench in $BUILD_DIR"
    cmake --build "$BUILD_DIR" --target herald-server herald-bench >/dev/null
    if [[ $PEERS == *node-ws* && ! -d $NODE_WS/node_modules ]]; then
        say "installing the node-ws peer's locked dependencies"
        (cd "$NODE_WS" && npm ci --no-audit --no-fund >/dev/null)
    fi
}

secret() { od -An -tx1 -N24 /dev/urandom | tr -d ' \n'; }
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
# Below the kernel's ephemeral range (ip_local_port_range), where the closed client ports
# of a 19,000-session run linger and a listener could not bind.
free_port() {
    local port low
    read -r low _ </proc/sys/net/ipv4/ip_local_port_range
    while :; do
        port=$((10000 + RANDOM % (low - 10000)))
        listening "$port" || { echo "$port"; return; }
    done
}

wait_for_port() {
    local _
    for _ in $(seq 200); do
        kill -0 "$SERVER_PID" 2>/dev/null || return 1
        listening "$1" && return 0
        sleep 0.05
    done
    return 1
}

# Starts one peer; sets SERVER_PID, WS_PORT, API_PORT, TARGET and PIDS (all the
# processes whose memory and CPU count: nginx's master and its workers).
start_peer() {
    local peer=$1 n=$2 log=$WORK/$1.log
    WS_PORT=$(free_port)
    API_PORT=$WS_PORT
    ulimit -n "$(ulimit -Hn)"
    case $peer in
    herald-*)
        TARGET=herald
        API_PORT=$(free_port)
        local store=${peer#herald-} dir=$WORK/herald-data
        rm -rf "$dir"
        QT_LOGGING_RULES=$SERVER_LOG_RULES "$SERVER" --ws-bind 127.0.0.1 --api-bind 127.0.0.1 \
            --ws-port "$WS_PORT" --api-port "$API_PORT" --workers "$WORKERS" \
            --max-sessions "$((n + 100))" \
            --store "$store" --data-dir "$dir" --max-handshakes 4096 \
            --max-handshakes-per-address 4096 >"$log" 2>&1 &
        SERVER_PID=$! ;;
    node-ws)
        TARGET=node-ws
        node "$NODE_WS/server.js" "$WS_PORT" >"$log" 2>&1 &
        SERVER_PID=$! ;;
    nchan-*)
        TARGET=nchan
        local scratch=$WORK/nchan user_line=
        rm -rf "$scratch" && mkdir -p "$scratch"
        [[ $(id -u) == 0 ]] && user_line='user root;'
        sed -e "s#@SCRATCH@#$scratch#g" -e "s#@PORT@#$WS_PORT#g" \
            -e "s#@WORKERS@#${peer#nchan-}#g" -e "s#@USER_LINE@#$user_line#" \
            "$NCHAN_TEMPLATE" >"$scratch/nginx.conf"
        nginx -p "$scratch" -c "$scratch/nginx.conf" >"$log" 2>&1 &
        SERVER_PID=$! ;;
    *) say "unknown peer $peer"; return 1 ;;
    esac
    wait_for_port "$WS_PORT" && wait_for_port "$API_PORT" || {
        say "$peer did not start:"; cat "$log" >&2; [[ ! -f $WORK/nchan/error.log ]] || cat "$WORK/nchan/error.log" >&2
        return 1; }
    sleep 0.3
    PIDS=$SERVER_PID
    local child
    for child in $(pgrep -P "$SERVER_PID" || true); do PIDS+=",$child"; done
    say "$peer: pid(s) $PIDS, ws 127.0.0.1:$WS_PORT, api 127.0.0.1:$API_PORT"
}

run_peer() {
    local peer=$1 n=$2 run=$3 out=$WORK/$1.$2.$3.txt attempt started=0
    # A port free when probed can be taken before the server binds it: try others.
    for attempt in 1 2 3 4 5; do
        if start_peer "$peer" "$n"; then started=1; break; fi
        stop_server
    done
    ((started)) || return 1
    local -a args=(--scenario compare --target "$TARGET" --users "$n" --churn "$CHURN"
                   --ws-url "ws://127.0.0.1:$WS_PORT" --api-url "http://127.0.0.1:$API_PORT"
                   --server-pid "$PIDS" --rate "$RATE" --pushes "$LATENCY_PUSHES"
                   --connect-batch "$CONNECT_BATCH" --step-ms "$STEP_MS")
    [[ $MAX_RATE == 1 ]] && args+=(--max-rate)
    "$BENCH" "${args[@]}" | tee "$out" | sed "s/^/  [$peer $n #$run] /" >&2 || true
    stop_server
    sleep 1 # let the kernel reap the closed sockets before the next server
}

# Median of one metric over a peer's runs at one size ("-" when never measured).
median() {
    local peer=$1 n=$2 key=$3
    cat "$WORK/$peer.$n".*.txt 2>/dev/null | awk -F'[= ]' -v k="$key" '$1 == "result" && $2 == k { print $3 }' \
        | sort -g | awk '{ v[NR] = $1 } END {
            if (NR == 0) { print "-"; exit }
            print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

print_table() {
    local n=$1
    local -a keys=(connect_rate kib_per_session kib_per_session_churned p50_ms p99_ms server_cpu_pct lost broadcast_ms bench_cpu_s)
    local -a heads=("connect/s" "KiB/session" "KiB after churn" "p50 ms" "p99 ms" "server CPU %" "lost" "broadcast ms" "bench CPU s")
    if [[ $MAX_RATE == 1 ]]; then keys+=(max_rate); heads+=("max msg/s"); fi
    local base=${PEERS%% *} peer i value ref line bound
    printf '\n%s sessions, unicast at %s msg/s (%s pushes), medians of %s run(s); (x) = ratio to %s\n\n' \
        "$n" "$RATE" "$LATENCY_PUSHES" "$RUNS" "$base"
    line="| peer |"; for i in "${!heads[@]}"; do line+=" ${heads[$i]} |"; done; echo "$line"
    line="|---|"; for i in "${!heads[@]}"; do line+="---:|"; done; echo "$line"
    for peer in $PEERS; do
        line="| $peer |"
        for i in "${!keys[@]}"; do
            value=$(median "$peer" "$n" "${keys[$i]}")
            ref=$(median "$base" "$n" "${keys[$i]}")
            bound=-
            [[ ${keys[$i]} != max_rate ]] || bound=$(median "$peer" "$n" max_rate_bench_bound)
            line+=$(awk -v v="$value" -v r="$ref" -v b="$bound" 'BEGIN {
                if (v == "-") { printf " - |"; exit }
                printf " %s", (v >= 100 || v == int(v) ? sprintf("%.0f", v) : sprintf("%.2f", v))
                if (b != "-" && b + 0 > 0) printf "*"
                if (r != "-" && r + 0 != 0) printf " (%.2fx)", v / r
                printf " |" }')
        done
        echo "$line"
    done
    if [[ $MAX_RATE == 1 ]] && grep -q '^result max_rate_bench_bound=1' "$WORK"/*."$n".*.txt; then
        printf '\n* max msg/s: herald-bench itself used >= 90 %% of a core at the failing step, so\n'
        printf '  the figure is the load generator'"'"'s limit, not the server'"'"'s.\n'
    fi
}

main() {
    build
    local n run peer
    for n in $N; do
        for run in $(seq "$RUNS"); do
            for peer in $PEERS; do
                say "== $peer, run $run of $RUNS, $n sessions =="
                run_peer "$peer" "$n" "$run" || say "$peer $n run $run failed"
            done
        done
    done
    for n in $N; do print_table "$n"; done
}

HERALD_SECRET=$(secret)
HERALD_API_KEY=$(secret)
export HERALD_SECRET HERALD_API_KEY
main
