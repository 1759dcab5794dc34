#!/usr/bin/env bash
# Timmy's benchmarks: load on the real server process (started the way the README starts it, in Release,
# on loopback), the framework and storage ceilings measured in the same run, many jobs in flight with a
# slow model, and the footprint. Prints a table; bench/RESULTS.md explains one full run.
#
#   bench/run.sh          the full run (about 6 to 8 minutes)
#   bench/run.sh --smoke  a short run for CI: every benchmark end to end, asserting nothing about speed
#
# Needs the .NET 10 SDK and curl. Load comes from wrk when it is installed (as root the script installs
# the Debian package if it is missing), otherwise from bench/Timmy.Bench's own load generator
# (BENCH_LOADGEN=Timmy.Bench forces the latter).
# Raw outputs (server logs, wrk reports, databases) stay in $BENCH_OUT, a fresh temp folder by default.
set -euo pipefail

MODE=full
case "${1:-}" in
  "") ;;
  --smoke) MODE=smoke ;;
  *) echo "usage: bench/run.sh [--smoke]" >&2; exit 2 ;;
esac

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# Every knob can be overridden from the environment, e.g. SCALE_JOBS=2000 bench/run.sh.
if [[ $MODE == full ]]; then
  : "${LOAD_SECONDS:=10}" "${WARMUP_SECONDS:=10}" "${CONNECTIONS:=64}" "${FLOW_CONNECTIONS:=16}" "${SQLITE_SECONDS:=10}"
  : "${SCALE_JOBS:=10000}" "${SCALE_LATENCY_MS:=3000}" "${SCALE_TIMEOUT_SECONDS:=600}" "${IDLE_SECONDS:=5}"
else
  : "${LOAD_SECONDS:=2}" "${WARMUP_SECONDS:=1}" "${CONNECTIONS:=8}" "${FLOW_CONNECTIONS:=4}" "${SQLITE_SECONDS:=2}"
  : "${SCALE_JOBS:=200}" "${SCALE_LATENCY_MS:=500}" "${SCALE_TIMEOUT_SECONDS:=60}" "${IDLE_SECONDS:=1}"
fi
THREADS=$(nproc)
STARTUP_TIMEOUT_SECONDS=90
OUT=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/timmy-bench.XXXXXX")}
mkdir -p "$OUT"
BENCH_TOOL=bench/Timmy.Bench/bin/Release/net10.0/Timmy.Bench
BARE_KESTREL=bench/BareKestrel/bin/Release/net10.0/BareKestrel

declare -A R=()   # results: R[benchmark.key]=value
FAILURES=()       # benchmarks that did not work end to end
PIDS=()           # every process this script started; all are stopped on exit

log() { printf '\n== %s\n' "$*" >&2; }

# --- processes -----------------------------------------------------------------------------------

alive() { [[ -r /proc/$1/status ]] && ! grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }

# Stops one process this script started: TERM, then KILL if it is still there after 10 s.
stop_pid() {
  local pid=$1 i
  kill "$pid" 2>/dev/null || return 0
  for ((i = 0; i < 100; i++)); do
    alive "$pid" || return 0
    sleep 0.1
  done
  kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local i
  # Newest first, so a server goes before the `dotnet run` that launched it.
  for ((i = ${#PIDS[@]} - 1; i >= 0; i--)); do
    stop_pid "${PIDS[i]}"
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A random loopback port below the ephemeral range that nothing listens on (bounded tries).
free_port() {
  local port i
  for ((i = 0; i < 50; i++)); do
    port=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free port found" >&2
  return 1
}

# Waits (bounded) until URL/api/healthz answers 200; fails early if the launching process has exited.
wait_healthy() {
  local url=$1 pid=$2 logfile=$3 deadline=$((SECONDS + STARTUP_TIMEOUT_SECONDS))
  while ((SECONDS < deadline)); do
    if curl -fsS -o /dev/null --max-time 1 "$url/api/healthz" 2>/dev/null; then
      return 0
    fi
    if ! alive "$pid"; then
      echo "The server exited before answering /api/healthz:" >&2
      cat "$logfile" >&2
      return 1
    fi
    sleep 0.02
  done
  echo "The server did not answer /api/healthz within ${STARTUP_TIMEOUT_SECONDS}s:" >&2
  cat "$logfile" >&2
  return 1
}

# start_timmy NAME [VAR=VALUE ...]: starts Timmy as the README does, with a fresh SQLite file and any extra
# environment. Sets SERVER_URL, SERVER_PID (the Timmy.Api process itself), SERVER_LAUNCHER (its `dotnet run`), STARTUP_MS
# (from launching `dotnet run` to the first healthz 200) and APPHOST_STARTUP_MS (from the Timmy.Api
# process's own start, per the kernel, to that 200).
start_timmy() {
  local name=$1 port launcher started_ns ready_ns uptime stat fields
  shift
  port=$(free_port)
  SERVER_URL=http://127.0.0.1:$port
  started_ns=$(date +%s%N)
  env "$@" ConnectionStrings__Timmy="Data Source=$OUT/$name.db" \
    dotnet run --no-build -c Release --project src/Timmy.Api -- --urls "$SERVER_URL" >"$OUT/$name.log" 2>&1 &
  launcher=$!
  SERVER_LAUNCHER=$launcher
  PIDS+=("$launcher")
  wait_healthy "$SERVER_URL" "$launcher" "$OUT/$name.log"
  ready_ns=$(date +%s%N)
  read -r uptime _ </proc/uptime
  SERVER_PID=$(pgrep -P "$launcher" | head -n 1)
  [[ -n $SERVER_PID ]] || { echo "cannot find the server process under $launcher" >&2; return 1; }
  PIDS+=("$SERVER_PID")
  STARTUP_MS=$(((ready_ns - started_ns) / 1000000))
  stat=$(<"/proc/$SERVER_PID/stat")
  read -ra fields <<<"${stat##*) }"   # fields after "pid (comm) "; starttime is the 22nd field overall
  APPHOST_STARTUP_MS=$(awk -v up="$uptime" -v start="${fields[19]}" -v hz="$(getconf CLK_TCK)" \
    'BEGIN { printf "%d", (up - start / hz) * 1000 }')
}

# stop_server SERVER_PID LAUNCHER_PID
stop_server() {
  stop_pid "$1"
  stop_pid "$2"
}

status_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status"; }

# --- measurements ----------------------------------------------------------------------------------

# record NAME "key=value key=value ...": files one benchmark's figures under R[NAME.key].
record() {
  local name=$1 pair
  for pair in $2; do
    R[$name.${pair%%=*}]=${pair#*=}
  done
}

# bench_tool NAME COMMAND [ARGS...]: runs Timmy.Bench and records its RESULT line.
bench_tool() {
  local name=$1 status=0 result
  shift
  "$BENCH_TOOL" "$@" >"$OUT/$name.out" 2>&1 || status=$?
  sed '/^RESULT /d' "$OUT/$name.out" >&2
  result=$(sed -n 's/^RESULT [a-z_]* //p' "$OUT/$name.out")
  if ((status != 0)) || [[ -z $result ]]; then
    FAILURES+=("$name (exit $status, see $OUT/$name.out)")
  fi
  record "$name" "$result"
}

# Turns `wrk --latency` output into "rps=... p50_ms=... p99_ms=... errors=...".
parse_wrk() {
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /m$/) return v * 60000; return v * 1000 }
    $1 == "50%" { p50 = ms($2) }
    $1 == "99%" { p99 = ms($2) }
    $1 == "Requests/sec:" { rps = $2 }
    /Non-2xx or 3xx responses:/ { errors += $NF }
    /Socket errors:/ { gsub(",", ""); errors += $4 + $6 + $8 + $10 }
    END { printf "rps=%s p50_ms=%.3f p99_ms=%.3f errors=%d\n", rps, p50, p99, errors }' "$1"
}

# load NAME URL [create-job]: a warm-up, then LOAD_SECONDS of one request over CONNECTIONS connections.
load() {
  local name=$1 url=$2 kind=${3:-get} args=()
  if [[ $LOADGEN == wrk ]]; then
    [[ $kind == create-job ]] && args=(-s bench/wrk/create-job.lua)
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${WARMUP_SECONDS}s" "${args[@]}" "$url" >/dev/null
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" --timeout 10s --latency "${args[@]}" "$url" >"$OUT/$name.wrk"
    record "$name" "$(parse_wrk "$OUT/$name.wrk")"
    [[ -n ${R[$name.rps]:-} && ${R[$name.errors]} == 0 ]] || FAILURES+=("$name (see $OUT/$name.wrk)")
  else
    [[ $kind == create-job ]] && args=(--method POST --body '{"request":"Explain the Lightning Network in two sentences"}')
    bench_tool "$name" load --url "$url" "${args[@]}" --connections "$CONNECTIONS" \
      --seconds "$LOAD_SECONDS" --warmup "$WARMUP_SECONDS"
    # As with wrk: a load run with failed requests measured errors, not the server.
    [[ ${R[$name.errors]:-} == 0 ]] || FAILURES+=("$name: ${R[$name.errors]:-?} failed requests (see $OUT/$name.out)")
  fi
  printf '%-14s %10s req/s  p50 %8s ms  p99 %8s ms\n' "$name" "${R[$name.rps]:-?}" "${R[$name.p50_ms]:-?}" "${R[$name.p99_ms]:-?}" >&2
}

# Polls a job until the background worker has moved it past evaluating/executing; prints the job.
poll_settled() {
  local base=$1 id=$2 job i
  for ((i = 0; i < 200; i++)); do
    job=$(curl -fsS "$base/api/jobs/$id")
    grep -qE '"state":"(evaluating|executing)"' <<<"$job" || { printf '%s' "$job"; return 0; }
    sleep 0.05
  done
  printf '%s' "$job"
}

# Walks one job through the README's steps and prints its id once complete.
complete_job() {
  local base=$1 job id hash work
  job=$(curl -fsS -X POST "$base/api/jobs" -H 'Content-Type: application/json' \
    -d '{"request":"Explain the Lightning Network in two sentences"}')
  id=$(sed -E 's/.*"jobId":"([^"]+)".*/\1/' <<<"$job")
  hash=$(sed -E 's/.*"paymentHash":"([0-9a-f]{64})".*/\1/' <<<"$job")
  curl -fsS -o /dev/null -X POST "$base/api/dev/stub/pay/$hash"
  work=$(poll_settled "$base" "$id")
  hash=$(sed -E 's/.*"workInvoice":\{[^}]*"paymentHash":"([0-9a-f]{64})".*/\1/' <<<"$work")
  curl -fsS -o /dev/null -X POST "$base/api/dev/stub/pay/$hash"
  poll_settled "$base" "$id" | grep -q '"state":"complete"' || { echo "job $id did not complete" >&2; return 1; }
  echo "$id"
}

unpaid_job() {
  curl -fsS -X POST "$1/api/jobs" -H 'Content-Type: application/json' -d '{"request":"What is a satoshi?"}' |
    sed -E 's/.*"jobId":"([^"]+)".*/\1/'
}

# --- the run ---------------------------------------------------------------------------------------

ulimit -n "$(ulimit -Hn)" 2>/dev/null || true   # ten thousand clients need ten thousand sockets

if ! command -v wrk >/dev/null 2>&1 && ((EUID == 0)) && command -v apt-get >/dev/null 2>&1; then
  log "Installing wrk"
  { apt-get install -y wrk || { apt-get update && apt-get install -y wrk; }; } >"$OUT/apt.log" 2>&1 || true
fi
LOADGEN=${BENCH_LOADGEN:-$(command -v wrk >/dev/null 2>&1 && echo wrk || echo Timmy.Bench)}

log "Building (Release)"
for project in src/Timmy.Api bench/Timmy.Bench bench/BareKestrel; do
  dotnet build -c Release -nologo -v q "$project" >"$OUT/build.log" 2>&1 || { cat "$OUT/build.log" >&2; exit 1; }
done

log "Timmy (offline model without latency): footprint"
start_timmy app
APP_URL=$SERVER_URL APP_PID=$SERVER_PID APP_LAUNCHER=$SERVER_LAUNCHER
sleep "$IDLE_SECONDS"
record footprint "startup_ms=$STARTUP_MS apphost_startup_ms=$APPHOST_STARTUP_MS idle_rss_mb=$(($(status_kb "$APP_PID" VmRSS) / 1024)) idle_threads=$(status_kb "$APP_PID" Threads)"
echo "start to first healthz: ${STARTUP_MS} ms (dotnet run), ${APPHOST_STARTUP_MS} ms (Timmy.Api process); idle RSS ${R[footprint.idle_rss_mb]} MB" >&2

COMPLETE_JOB=$(complete_job "$APP_URL")
UNPAID_JOB=$(unpaid_job "$APP_URL")
curl -fsS -o "$OUT/poll.json" "$APP_URL/api/jobs/$COMPLETE_JOB"

log "Bare Kestrel serving the same poll response ($(wc -c <"$OUT/poll.json") bytes)"
BARE_URL=http://127.0.0.1:$(free_port)
ASPNETCORE_ENVIRONMENT=Development "$BARE_KESTREL" --urls "$BARE_URL" --BodyFile="$OUT/poll.json" >"$OUT/bare.log" 2>&1 &
BARE_PID=$!
PIDS+=("$BARE_PID")
wait_healthy "$BARE_URL" "$BARE_PID" "$OUT/bare.log"
cmp -s "$OUT/poll.json" <(curl -fsS "$BARE_URL/api/jobs/$COMPLETE_JOB") || FAILURES+=("bare Kestrel does not serve the poll bytes")

log "Load ($LOADGEN, $CONNECTIONS connections, ${LOAD_SECONDS}s each after ${WARMUP_SECONDS}s warm-up)"
load healthz "$APP_URL/api/healthz"
load bare_healthz "$BARE_URL/api/healthz"
load poll "$APP_URL/api/jobs/$COMPLETE_JOB"
load bare_poll "$BARE_URL/api/jobs/$COMPLETE_JOB"
load poll_unpaid "$APP_URL/api/jobs/$UNPAID_JOB"
load create "$APP_URL/api/jobs" create-job
stop_pid "$BARE_PID"
# A ceiling that logs each request is no ceiling (its log would have thousands of lines).
(($(wc -l <"$OUT/bare.log") < 100)) || FAILURES+=("bare Kestrel logged requests (see $OUT/bare.log)")

log "Full flow (Timmy.Bench, $FLOW_CONNECTIONS concurrent clients)"
bench_tool flow flow --base "$APP_URL" --connections "$FLOW_CONNECTIONS" --seconds "$LOAD_SECONDS" --warmup "$WARMUP_SECONDS"

log "SQLite ceiling (the app's schema and rows, WAL, one transaction per insert)"
bench_tool sqlite sqlite --template "$OUT/app.db" --db "$OUT/ceiling.db" --seconds "$SQLITE_SECONDS"
log "SQLite ceiling of the scale step (its jobs' writes alone, raw, batched as the group commit batches them)"
bench_tool flow_writes flow-writes --template "$OUT/app.db" --db "$OUT/flow-writes.db" --jobs "$SCALE_JOBS"
stop_server "$APP_PID" "$APP_LAUNCHER"

log "Scale: $SCALE_JOBS jobs in flight, model latency $SCALE_LATENCY_MS ms"
# Every job in flight may be at the model at once: the worker limit is raised to the number of jobs. Clients
# follow their jobs' event streams (SCALE_WAIT=poll polls instead), after a warm-up of up to 1,000 jobs.
start_timmy scale Agent__OfflineLatencyMs="$SCALE_LATENCY_MS" Jobs__WorkerConcurrency="$SCALE_JOBS"
bench_tool scale scale --base "$SERVER_URL" --pid "$SERVER_PID" --jobs "$SCALE_JOBS" \
  --model-latency-ms "$SCALE_LATENCY_MS" --timeout "$SCALE_TIMEOUT_SECONDS" --wait "${SCALE_WAIT:-events}"
stop_server "$SERVER_PID" "$SERVER_LAUNCHER"

# --- the table -------------------------------------------------------------------------------------

# pct A B: A as a percentage of B.
pct() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else printf "?" }'; }
# verdict A B TARGET: "met" or "missed" for A/B against a target percentage.
verdict() { awk -v a="${1:-0}" -v b="${2:-0}" -v t="$3" 'BEGIN { print (b > 0 && 100 * a / b >= t) ? "met" : "missed" }'; }
row() { printf '| %-44s | %10s | %9s | %9s | %-36s |\n' "$@"; }
fig() { awk -v v="${R[$1]:-}" 'BEGIN { if (v == "") print "?"; else if (v >= 100) printf "%.0f", v; else printf "%.2f", v }'; }

{
  echo
  echo "Timmy benchmarks ($MODE): $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); load from $LOADGEN, $CONNECTIONS connections, ${LOAD_SECONDS}s per figure"
  echo
  row "Benchmark" "req/s" "p50 ms" "p99 ms" "Ratio"
  row "---" "---:" "---:" "---:" "---"
  row "GET /api/healthz" "$(fig healthz.rps)" "$(fig healthz.p50_ms)" "$(fig healthz.p99_ms)" "$(pct "${R[healthz.rps]:-}" "${R[bare_healthz.rps]:-}") of bare Kestrel"
  row "  bare Kestrel GET /api/healthz" "$(fig bare_healthz.rps)" "$(fig bare_healthz.p50_ms)" "$(fig bare_healthz.p99_ms)" "ceiling"
  row "GET /api/jobs/{id} (complete job)" "$(fig poll.rps)" "$(fig poll.p50_ms)" "$(fig poll.p99_ms)" \
    "$(pct "${R[poll.rps]:-}" "${R[bare_poll.rps]:-}") of bare Kestrel (>= 50%: $(verdict "${R[poll.rps]:-}" "${R[bare_poll.rps]:-}" 50))"
  row "  bare Kestrel, same response bytes" "$(fig bare_poll.rps)" "$(fig bare_poll.p50_ms)" "$(fig bare_poll.p99_ms)" "ceiling"
  row "GET /api/jobs/{id} (unpaid job)" "$(fig poll_unpaid.rps)" "$(fig poll_unpaid.p50_ms)" "$(fig poll_unpaid.p99_ms)" "$(pct "${R[poll_unpaid.rps]:-}" "${R[bare_poll.rps]:-}") of bare Kestrel"
  row "POST /api/jobs" "$(fig create.rps)" "$(fig create.p50_ms)" "$(fig create.p99_ms)" \
    "$(pct "${R[create.rps]:-}" "${R[sqlite.tx_per_s]:-}") of SQLite (>= 50%: $(verdict "${R[create.rps]:-}" "${R[sqlite.tx_per_s]:-}" 50))"
  row "  SQLite WAL tx: job + invoice (ceiling)" "$(fig sqlite.tx_per_s)" "" "" "synchronous=${R[sqlite.synchronous]:-?}, busy_timeout=${R[sqlite.busy_timeout_ms]:-?}"
  row "  SQLite: create's 2 tx (stub inv.; job+inv.)" "$(fig sqlite.create_shape_per_s)" "" "" "POST is $(pct "${R[create.rps]:-}" "${R[sqlite.create_shape_per_s]:-}") of this"
  row "Full flow, requests ($FLOW_CONNECTIONS clients)" "$(fig flow.rps)" "$(fig flow.req_p50_ms)" "$(fig flow.req_p99_ms)" "${R[flow.requests_per_flow]:-?} requests per flow"
  row "Full flow, flows (create to complete)" "$(fig flow.flows_per_s)" "$(fig flow.p50_ms)" "$(fig flow.p99_ms)" "latency of a whole flow"
  echo
  echo "Scale: ${R[scale.completed]:-?} of ${R[scale.jobs]:-?} jobs complete in ${R[scale.elapsed_s]:-?} s with a ${SCALE_LATENCY_MS} ms model" \
    "(after a warm-up; setup, untimed: create the jobs and open their event streams in ${R[scale.setup_s]:-?} s)"
  echo "  throughput $(fig scale.jobs_per_s) jobs/s = $(pct "${R[scale.jobs_per_s]:-}" "${R[scale.ideal_jobs_per_s]:-}") of ideal $(fig scale.ideal_jobs_per_s) jobs/s" \
    "(>= 90%: $(verdict "${R[scale.jobs_per_s]:-}" "${R[scale.ideal_jobs_per_s]:-}" 90)); completions p50 ${R[scale.p50_complete_s]:-?} s, p99 ${R[scale.p99_complete_s]:-?} s"
  echo "  ceiling: the same jobs' writes alone, raw SQLite, up to ${R[flow_writes.batch]:-?} a transaction: $(fig flow_writes.jobs_per_s) jobs/s" \
    "(${R[flow_writes.units_per_job]:-?} units each, $(fig flow_writes.units_per_s) units/s); scale is $(pct "${R[scale.jobs_per_s]:-}" "${R[flow_writes.jobs_per_s]:-}") of it," \
    "the ideal $(pct "${R[scale.ideal_jobs_per_s]:-}" "${R[flow_writes.jobs_per_s]:-}")"
  echo "  requests retried after a connection failure: ${R[scale.retries]:-?}; jobs failed: ${R[scale.failed]:-?}"
  echo "  server peak RSS $(fig scale.peak_rss_mb) MB (< 500 MB: $(awk -v m="${R[scale.peak_rss_mb]:-1e9}" 'BEGIN { print (m < 500) ? "met" : "missed" }')), threads peak ${R[scale.peak_threads]:-?}, at the end ${R[scale.final_threads]:-?}"
  echo "Footprint: start to first healthz 200 in ${R[footprint.startup_ms]:-?} ms via dotnet run (${R[footprint.apphost_startup_ms]:-?} ms from the Timmy.Api process start);" \
    "idle RSS ${R[footprint.idle_rss_mb]:-?} MB, ${R[footprint.idle_threads]:-?} threads"
  echo "Raw outputs: $OUT"
} | tee "$OUT/table.md"

if ((${#FAILURES[@]} > 0)); then
  printf '\nFAILED: %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
echo "All benchmarks ran end to end."
