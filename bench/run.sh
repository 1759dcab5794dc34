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
  : "${FOOTPRINT_ROUNDS:=2}" "${PAY_JOBS:=1000}"
else
  : "${LOAD_SECONDS:=2}" "${WARMUP_SECONDS:=1}" "${CONNECTIONS:=8}" "${FLOW_CONNECTIONS:=4}" "${SQLITE_SECONDS:=2}"
  : "${SCALE_JOBS:=200}" "${SCALE_LATENCY_MS:=500}" "${SCALE_TIMEOUT_SECONDS:=60}" "${IDLE_SECONDS:=1}"
  : "${FOOTPRINT_ROUNDS:=1}" "${PAY_JOBS:=50}"
fi
THREADS=$(nproc)
STARTUP_TIMEOUT_SECONDS=90
OUT=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/timmy-bench.XXXXXX")}
mkdir -p "$OUT"
BENCH_TOOL=bench/Timmy.Bench/bin/Release/net10.0/Timmy.Bench
BARE_KESTREL=bench/BareKestrel/bin/Release/net10.0/BareKestrel
PUBLISHED=$OUT/published   # Timmy as an operator deploys it: dotnet publish for this machine, ReadyToRun

declare -A R=()   # results: R[benchmark.key]=value
FAILURES=()       # benchmarks that did not work end to end
PIDS=()           # every process this script started; all are stopped on exit

# shellcheck source=bench/lib.sh
source bench/lib.sh

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
RID=linux-$(case $(uname -m) in aarch64) echo arm64 ;; *) echo x64 ;; esac)
dotnet publish src/Timmy.Api -c Release -r "$RID" --self-contained false -nologo -v q -o "$PUBLISHED" >"$OUT/publish.log" 2>&1 ||
  { cat "$OUT/publish.log" >&2; exit 1; }

PEERS=(bare)
if command -v node >/dev/null 2>&1 && (cd bench/node && npm ci --no-audit --no-fund --loglevel=error) >"$OUT/npm.log" 2>&1; then
  PEERS+=(express fastify)
else
  FAILURES+=("Express and Fastify peers (node and npm ci in bench/node; see $OUT/npm.log)")
fi

log "Timmy (offline model without latency)"
start_timmy app
APP_URL=$SERVER_URL APP_PID=$SERVER_PID APP_LAUNCHER=$SERVER_LAUNCHER
COMPLETE_JOB=$(complete_job "$APP_URL")
UNPAID_JOB=$(unpaid_job "$APP_URL")
curl -fsS -o "$OUT/poll.json" "$APP_URL/api/jobs/$COMPLETE_JOB"

log "Load ($LOADGEN, $CONNECTIONS connections, ${LOAD_SECONDS}s each after ${WARMUP_SECONDS}s warm-up)"
load healthz "$APP_URL/api/healthz"
load poll "$APP_URL/api/jobs/$COMPLETE_JOB"
load poll_unpaid "$APP_URL/api/jobs/$UNPAID_JOB"
load create "$APP_URL/api/jobs" create-job

for peer in "${PEERS[@]}"; do
  log "$peer serving the same poll response ($(wc -c <"$OUT/poll.json") bytes)"
  url=http://127.0.0.1:$(free_port)
  # shellcheck disable=SC2046 # the command is split into words on purpose
  start_peer "$peer" "$url" $(peer_command "$peer" "$url")
  cmp -s "$OUT/poll.json" <(curl -fsS "$url/api/jobs/$COMPLETE_JOB") || FAILURES+=("$peer does not serve the poll bytes")
  [[ $peer == bare ]] && load bare_healthz "$url/api/healthz"
  load "${peer}_poll" "$url/api/jobs/$COMPLETE_JOB"
  # Timmy answers the poll twice, before and after each peer, so the machine's drift is shared.
  load "poll_after_$peer" "$APP_URL/api/jobs/$COMPLETE_JOB"
  stop_pid "$PEER_PID"
done
# A ceiling that logs each request is no ceiling (its log would have thousands of lines).
(($(wc -l <"$OUT/bare.log") < 100)) || FAILURES+=("bare Kestrel logged requests (see $OUT/bare.log)")

log "Full flow (Timmy.Bench, $FLOW_CONNECTIONS concurrent clients)"
bench_tool flow flow --base "$APP_URL" --connections "$FLOW_CONNECTIONS" --seconds "$LOAD_SECONDS" --warmup "$WARMUP_SECONDS"

log "SQLite ceiling (the app's schema and rows, WAL, one transaction per insert)"
bench_tool sqlite sqlite --template "$OUT/app.db" --db "$OUT/ceiling.db" --seconds "$SQLITE_SECONDS"
log "SQLite ceiling of the scale step (its jobs' writes alone, raw, batched as the group commit batches them)"
bench_tool flow_writes flow-writes --template "$OUT/app.db" --db "$OUT/flow-writes.db" --jobs "$SCALE_JOBS"
stop_server "$APP_PID" "$APP_LAUNCHER"

log "Footprint: each server alone, $FOOTPRINT_ROUNDS rounds: start (Timmy's on a current schema) to first healthz 200, idle RSS ${IDLE_SECONDS}s after one piece of work"
schema_db
for ((round = 1; round <= FOOTPRINT_ROUNDS; round++)); do
  footprint_round "$round"
done
for name in timmy published "${PEERS[@]}"; do
  for key in start_ms start_cpu_ms idle_rss_mb; do mean_of "$name" "$key"; done
done

log "Payment to work: $PAY_JOBS jobs awaiting their work payment, then each settled and polled until executing"
start_timmy pay Agent__OfflineLatencyMs=2000 Jobs__WorkerConcurrency="$PAY_JOBS"
bench_tool pay_to_work pay-to-work --base "$SERVER_URL" --jobs "$PAY_JOBS"
stop_server "$SERVER_PID" "$SERVER_LAUNCHER"

log "Scale: $SCALE_JOBS jobs in flight, model latency $SCALE_LATENCY_MS ms"
# Every job in flight may be at the model at once: the worker limit is raised to the number of jobs. Clients
# follow their jobs' event streams (SCALE_WAIT=poll polls instead), after a warm-up of up to 1,000 jobs.
start_timmy scale Agent__OfflineLatencyMs="$SCALE_LATENCY_MS" Jobs__WorkerConcurrency="$SCALE_JOBS"
bench_tool scale scale --base "$SERVER_URL" --pid "$SERVER_PID" --jobs "$SCALE_JOBS" \
  --model-latency-ms "$SCALE_LATENCY_MS" --timeout "$SCALE_TIMEOUT_SECONDS" --wait "${SCALE_WAIT:-events}"
stop_server "$SERVER_PID" "$SERVER_LAUNCHER"

log "Bare Kestrel answering as many HTTP exchanges as the scale step made (${R[scale.exchanges]:-?})"
url=http://127.0.0.1:$(free_port)
# shellcheck disable=SC2046 # the command is split into words on purpose
start_peer bare_exchanges "$url" $(peer_command bare "$url")
bench_tool exchanges exchanges --url "$url/api/jobs/any" --pid "$PEER_PID" --count "${R[scale.exchanges]:-1000}"
stop_pid "$PEER_PID"

# --- the table -------------------------------------------------------------------------------------

# pct A B: A as a percentage of B.
pct() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.0f%%", 100 * a / b; else printf "?" }'; }
# verdict A B TARGET: "met" or "missed" for A/B against a target percentage.
verdict() { awk -v a="${1:-0}" -v b="${2:-0}" -v t="$3" 'BEGIN { print (b > 0 && 100 * a / b >= t) ? "met" : "missed" }'; }
row() { printf '| %-44s | %10s | %9s | %9s | %-36s |\n' "$@"; }
fig() { awk -v v="${R[$1]:-}" 'BEGIN { if (v == "") print "?"; else if (v >= 100) printf "%.0f", v; else printf "%.2f", v }'; }
# times A B: A as a multiple of B; at_most A B LIMIT: "met" or "missed" for A/B <= LIMIT.
times() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { if (b > 0) printf "%.2f×", a / b; else printf "?" }'; }
at_most() { awk -v a="${1:-0}" -v b="${2:-0}" -v t="$3" 'BEGIN { print (b > 0 && a / b <= t) ? "met" : "missed" }'; }
mean2() { awk -v a="${1:-0}" -v b="${2:-0}" 'BEGIN { printf "%.0f", (a + b) / 2 }'; }
# Timmy's poll beside each peer: the mean of its loads just before and just after that peer's.
R[timmy_poll_bare]=$(mean2 "${R[poll.rps]:-}" "${R[poll_after_bare.rps]:-}")
R[timmy_poll_express]=$(mean2 "${R[poll_after_bare.rps]:-}" "${R[poll_after_express.rps]:-}")
R[timmy_poll_fastify]=$(mean2 "${R[poll_after_express.rps]:-}" "${R[poll_after_fastify.rps]:-}")
# What bare Kestrel spent on as many exchanges as one completed Timmy job made in the scale step.
R[bare_cpu_ms_per_job]=$(awk -v c="${R[exchanges.server_cpu_ms]:-0}" -v j="${R[scale.completed]:-0}" 'BEGIN { if (j > 0) printf "%.3f", c / j; else print "" }')
peers_table() {
  echo "| | Timmy | bare Kestrel | Express 5 | Fastify 5 | Timmy ÷ bare Kestrel | Target |"
  echo "|---|---:|---:|---:|---:|---|---|"
  echo "| \`GET /api/jobs/{id}\`, req/s | $(fig timmy_poll_bare) | $(fig bare_poll.rps) | $(fig express_poll.rps) | $(fig fastify_poll.rps) |" \
    "$(pct "${R[timmy_poll_bare]}" "${R[bare_poll.rps]:-}") (Express $(times "${R[timmy_poll_express]}" "${R[express_poll.rps]:-}"), Fastify $(times "${R[timmy_poll_fastify]}" "${R[fastify_poll.rps]:-}")) |" \
    "≥ 90%: $(verdict "${R[timmy_poll_bare]}" "${R[bare_poll.rps]:-}" 90) |"
  echo "| process start to first healthz 200, ms | $(fig fp_timmy.start_ms) | $(fig fp_bare.start_ms) | $(fig fp_express.start_ms) | $(fig fp_fastify.start_ms) |" \
    "$(times "${R[fp_timmy.start_ms]:-}" "${R[fp_bare.start_ms]:-}") | ≤ 2×: $(at_most "${R[fp_timmy.start_ms]:-}" "${R[fp_bare.start_ms]:-}" 2) |"
  echo "| the same, Timmy published (ReadyToRun) | $(fig fp_published.start_ms) | | | |" \
    "$(times "${R[fp_published.start_ms]:-}" "${R[fp_bare.start_ms]:-}") | ≤ 2×: $(at_most "${R[fp_published.start_ms]:-}" "${R[fp_bare.start_ms]:-}" 2) |"
  echo "| CPU used by then, ms (published: $(fig fp_published.start_cpu_ms)) | $(fig fp_timmy.start_cpu_ms) | $(fig fp_bare.start_cpu_ms) | $(fig fp_express.start_cpu_ms) | $(fig fp_fastify.start_cpu_ms) |" \
    "$(times "${R[fp_timmy.start_cpu_ms]:-}" "${R[fp_bare.start_cpu_ms]:-}") | |"
  echo "| idle RSS ${IDLE_SECONDS} s after one job (a poll for peers), MB | $(fig fp_timmy.idle_rss_mb) | $(fig fp_bare.idle_rss_mb) | $(fig fp_express.idle_rss_mb) | $(fig fp_fastify.idle_rss_mb) |" \
    "$(times "${R[fp_timmy.idle_rss_mb]:-}" "${R[fp_bare.idle_rss_mb]:-}") | ≤ 1.5×: $(at_most "${R[fp_timmy.idle_rss_mb]:-}" "${R[fp_bare.idle_rss_mb]:-}" 1.5) |"
  echo "| the same, Timmy published (ReadyToRun) | $(fig fp_published.idle_rss_mb) | | | |" \
    "$(times "${R[fp_published.idle_rss_mb]:-}" "${R[fp_bare.idle_rss_mb]:-}") | ≤ 1.5×: $(at_most "${R[fp_published.idle_rss_mb]:-}" "${R[fp_bare.idle_rss_mb]:-}" 1.5) |"
  echo "| settle to executing, ${R[pay_to_work.jobs]:-?} jobs in flight, p50 / p99 ms | $(fig pay_to_work.p50_ms) / $(fig pay_to_work.p99_ms) | | | | |" \
    "p99 ≤ 100 ms: $(awk -v p="${R[pay_to_work.p99_ms]:-1e9}" 'BEGIN { print (p <= 100) ? "met" : "missed" }') |"
  echo "| server CPU per completed job (scale step), ms | $(fig scale.cpu_ms_per_job) | $(fig bare_cpu_ms_per_job) | | |" \
    "$(times "${R[scale.cpu_ms_per_job]:-}" "${R[bare_cpu_ms_per_job]:-}") (bare: the same ${R[scale.exchanges]:-?} exchanges) | |"
}

{
  echo
  echo "Timmy benchmarks ($MODE): $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo); load from $LOADGEN, $CONNECTIONS connections, ${LOAD_SECONDS}s per figure"
  echo
  peers_table
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
  echo "  server CPU in flight ${R[scale.server_cpu_ms]:-?} ms over ${R[scale.exchanges]:-?} HTTP exchanges; bare Kestrel spent ${R[exchanges.server_cpu_ms]:-?} ms on as many"
  echo "Raw outputs: $OUT"
} | tee "$OUT/table.md"

if ((${#FAILURES[@]} > 0)); then
  printf '\nFAILED: %s\n' "${FAILURES[@]}" >&2
  exit 1
fi
echo "All benchmarks ran end to end."
