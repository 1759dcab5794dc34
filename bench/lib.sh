# Functions for bench/run.sh: starting and stopping servers, and recording what they measure. Sourced, not run.

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

# start_timmy NAME [VAR=VALUE ...]: starts Timmy as the README does, on $OUT/NAME.db (fresh unless it exists), with any
# extra environment (the per-client creation limit and stream cap are off: all load comes from one loopback client).
# Sets SERVER_URL, SERVER_PID (the Timmy.Api process itself), SERVER_LAUNCHER (its `dotnet run`), STARTUP_MS
# (from launching `dotnet run` to the first healthz 200), APPHOST_STARTUP_MS (from the Timmy.Api
# process's own start, per the kernel, to that 200) and APPHOST_STARTUP_CPU_MS (the CPU it used until then).
start_timmy() {
  local name=$1 port launcher started_ns ready_ns uptime stat fields
  shift
  port=$(free_port)
  SERVER_URL=http://127.0.0.1:$port
  started_ns=$(date +%s%N)
  env CreationRateLimit__PermitsPerMinute=0 Streams__MaxPerClient=0 "$@" ConnectionStrings__Timmy="Data Source=$OUT/$name.db" \
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
  APPHOST_STARTUP_CPU_MS=$(cpu_ms "$SERVER_PID")
}

# start_published NAME: starts the published (ReadyToRun) build as an operator deploys it, with the configuration
# start_timmy gives (Development: the dev payment endpoint pays the bench's invoices) on $OUT/NAME.db, and no launcher
# in between. Sets SERVER_URL, SERVER_PID, SERVER_LAUNCHER (the same process) and the start figures as start_timmy.
start_published() {
  local name=$1 url
  url=http://127.0.0.1:$(free_port)
  start_peer "$name" "$url" env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_CONTENTROOT="$PUBLISHED" \
    CreationRateLimit__PermitsPerMinute=0 Streams__MaxPerClient=0 ConnectionStrings__Timmy="Data Source=$OUT/$name.db" \
    "$PUBLISHED/Timmy.Api" --urls "$url"
  SERVER_URL=$url SERVER_PID=$PEER_PID SERVER_LAUNCHER=$PEER_PID
  APPHOST_STARTUP_MS=$PEER_STARTUP_MS APPHOST_STARTUP_CPU_MS=$PEER_STARTUP_CPU_MS
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


# --- peers and footprint ---------------------------------------------------------------------------

# cpu_ms PID: CPU time (user + system) the process has used so far, in ms.
cpu_ms() {
  local stat fields
  stat=$(<"/proc/$1/stat")
  read -ra fields <<<"${stat##*) }"   # utime and stime are the 14th and 15th fields overall
  echo $(((fields[11] + fields[12]) * 1000 / $(getconf CLK_TCK)))
}

# start_peer NAME URL COMMAND...: launches a server directly (no launcher in between) and waits for its healthz.
# Sets PEER_PID and PEER_STARTUP_MS (from the launch to the first healthz 200) and PEER_STARTUP_CPU_MS.
start_peer() {
  local name=$1 url=$2 started_ns
  shift 2
  started_ns=$(date +%s%N)
  "$@" >"$OUT/$name.log" 2>&1 &
  PEER_PID=$!
  PIDS+=("$PEER_PID")
  wait_healthy "$url" "$PEER_PID" "$OUT/$name.log"
  PEER_STARTUP_MS=$((($(date +%s%N) - started_ns) / 1000000))
  PEER_STARTUP_CPU_MS=$(cpu_ms "$PEER_PID")
}

# peer_command NAME URL: the command line of a peer serving $OUT/poll.json (bare, express or fastify).
peer_command() {
  local port=${2##*:}
  case $1 in
    bare) echo env ASPNETCORE_ENVIRONMENT=Development "$BARE_KESTREL" --urls "$2" --BodyFile="$OUT/poll.json" ;;
    express | fastify) echo env PORT="$port" BODY_FILE="$OUT/poll.json" node "bench/node/$1.js" ;;
  esac
}

# footprint_round ROUND: each server in turn, alone: start it, give it one piece of work (Timmy a complete job,
# a peer one poll), wait IDLE_SECONDS, read its RSS, stop it. Timmy starts as a restart does, on a database whose
# schema is current ($OUT/schema.db), both as the README runs it and as published. Records
# fp_NAME_ROUND.{start_ms,start_cpu_ms,idle_rss_mb}.
footprint_round() {
  local r=$1 name url
  for name in timmy published; do
    cp "$OUT/schema.db" "$OUT/fp_${name}_$r.db"
    if [[ $name == timmy ]]; then start_timmy "fp_${name}_$r"; else start_published "fp_${name}_$r"; fi
    complete_job "$SERVER_URL" >/dev/null
    sleep "$IDLE_SECONDS"
    record "fp_${name}_$r" "start_ms=$APPHOST_STARTUP_MS start_cpu_ms=$APPHOST_STARTUP_CPU_MS idle_rss_mb=$(($(status_kb "$SERVER_PID" VmRSS) / 1024))"
    stop_server "$SERVER_PID" "$SERVER_LAUNCHER"
  done
  for name in "${PEERS[@]}"; do
    url=http://127.0.0.1:$(free_port)
    # shellcheck disable=SC2046 # the command is split into words on purpose
    start_peer "fp_${name}_$r" "$url" $(peer_command "$name" "$url")
    curl -fsS -o /dev/null "$url/api/jobs/any"
    sleep "$IDLE_SECONDS"
    record "fp_${name}_$r" "start_ms=$PEER_STARTUP_MS start_cpu_ms=$PEER_STARTUP_CPU_MS idle_rss_mb=$(($(status_kb "$PEER_PID" VmRSS) / 1024))"
    stop_pid "$PEER_PID"
  done
}

# schema_db: $OUT/schema.db, an empty database with the current schema (one start of Timmy migrates it).
schema_db() {
  start_timmy schema
  stop_server "$SERVER_PID" "$SERVER_LAUNCHER"
}

# mean_of NAME KEY: the mean of R[fp_NAME_1.KEY] .. R[fp_NAME_N.KEY] over FOOTPRINT_ROUNDS, into R[fp_NAME.KEY].
mean_of() {
  local name=$1 key=$2 r sum=0
  for ((r = 1; r <= FOOTPRINT_ROUNDS; r++)); do
    sum=$((sum + ${R[fp_${name}_$r.$key]:-0}))
  done
  R[fp_$name.$key]=$((sum / FOOTPRINT_ROUNDS))
}
