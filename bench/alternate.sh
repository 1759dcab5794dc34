#!/usr/bin/env bash
# Alternates two builds of Timmy in the same minutes, so a code change is judged against the machine's drift:
# each round starts each tree as the README starts it (Release), polls one complete job with wrk, then runs the
# scale step alone. Usage: bench/alternate.sh OLD_TREE NEW_TREE [ROUNDS]   (e.g. two `git worktree`s)
# Both trees must be built first: dotnet build -c Release src/Timmy.Api (and bench/Timmy.Bench in NEW_TREE).
# POLL_ONLY=1 skips the scale step (a round then takes about a minute).
set -uo pipefail
OLD=$(cd "$1" && pwd) NEW=$(cd "$2" && pwd) ROUNDS=${3:-3}
OUT=${BENCH_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/timmy-alternate.XXXXXX")}
mkdir -p "$OUT"
BENCH=$NEW/bench/Timmy.Bench/bin/Release/net10.0/Timmy.Bench
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

# start TREE NAME [VAR=VALUE ...]: starts the tree's server on a fresh SQLite file; prints its URL once healthy.
start() {
  local tree=$1 name=$2 port=$((21000 + RANDOM % 9000))
  shift 2
  (cd "$tree" && exec env CreationRateLimit__PermitsPerMinute=0 Streams__MaxPerClient=0 ConnectionStrings__Timmy="Data Source=$OUT/$name.db" "$@" \
    dotnet run --no-build -c Release --project src/Timmy.Api -- --urls "http://127.0.0.1:$port" >"$OUT/$name.log" 2>&1) &
  for _ in $(seq 1 600); do curl -fs "http://127.0.0.1:$port/api/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
  echo "http://127.0.0.1:$port"
}
stop() { pkill -f "$1/src/Timmy.Api/bin" ; sleep 1; pkill -9 -f "$1/src/Timmy.Api/bin"; sleep 0.5; }

complete_job() {
  local base=$1 job id hash
  job=$(curl -fsS -X POST "$base/api/jobs" -H 'Content-Type: application/json' -d '{"request":"Explain the Lightning Network in two sentences"}')
  id=$(sed -E 's/.*"jobId":"([^"]+)".*/\1/' <<<"$job")
  curl -fsS -o /dev/null -X POST "$base/api/dev/stub/pay/$(sed -E 's/.*"paymentHash":"([0-9a-f]{64})".*/\1/' <<<"$job")"
  for _ in $(seq 1 100); do job=$(curl -fsS "$base/api/jobs/$id"); grep -q awaiting_work_payment <<<"$job" && break; sleep 0.05; done
  hash=$(sed -E 's/.*"workInvoice":\{[^}]*"paymentHash":"([0-9a-f]{64})".*/\1/' <<<"$job")
  curl -fsS -o /dev/null -X POST "$base/api/dev/stub/pay/$hash"
  for _ in $(seq 1 100); do curl -fsS "$base/api/jobs/$id" | grep -q '"complete"' && break; sleep 0.05; done
  echo "$id"
}

for ((r = 1; r <= ROUNDS; r++)); do
  for tree in "$OLD" "$NEW"; do
    label=$([[ $tree == "$OLD" ]] && echo old || echo new)
    url=$(start "$tree" "$label-$r")
    id=$(complete_job "$url")
    wrk -t2 -c64 -d8s "$url/api/jobs/$id" >/dev/null
    rps=$(wrk -t2 -c64 -d10s "$url/api/jobs/$id" | awk '$1 == "Requests/sec:" { print $2 }')
    stop "$tree"
    if [[ -n ${POLL_ONLY:-} ]]; then
      echo "round $r $label poll_rps=$rps" | tee -a "$OUT/summary.txt"
      continue
    fi
    url=$(start "$tree" "$label-scale-$r" Agent__OfflineLatencyMs=3000 Jobs__WorkerConcurrency=10000)
    "$BENCH" scale --base "$url" --pid "$(pgrep -f "$tree/src/Timmy.Api/bin" | head -n 1)" --jobs 10000 \
      --model-latency-ms 3000 --timeout 300 >"$OUT/$label-scale-$r.out" 2>&1
    scale=$(grep '^RESULT' "$OUT/$label-scale-$r.out" | grep -oE '(^| )(jobs_per_s|cpu_ms_per_job|peak_rss_mb)=[0-9.]+' | tr '\n' ' ')
    stop "$tree"
    echo "round $r $label poll_rps=$rps $scale" | tee -a "$OUT/summary.txt"
  done
done
echo "Raw outputs: $OUT"
