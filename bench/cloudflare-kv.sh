#!/usr/bin/env bash
# Benchmarks the cloudflare-kv sink against curl, both writing the default
# data set's 1,200,000 KV keys to a local KV emulator on 127.0.0.1.
#
#   bench/cloudflare-kv.sh [--build DIR] [--runs N] [--parallel N]
#
# Each run starts a fresh emulator for loadseed, then a fresh one for curl:
#   loadseed  seed-multi-event --sink cloudflare-kv (N requests in flight)
#   curl      --parallel --parallel-max N, one PUT .../bulk per kv/bulk-*.json
#             file that the file-dump sink wrote for the same --seed and --start
# It prints wall time, keys/s, CPU seconds of the client and of the
# emulator, and the client's peak resident memory (/usr/bin/time -v).
# Nothing leaves the machine: both clients talk only to the emulator.
set -euo pipefail

readonly seed=42
readonly start=2026-05-01T18:00:00Z
readonly account_id=loadtest-account
readonly namespace_id=loadtest-namespace
readonly expected_keys=1200000

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=$(dirname "$script_dir")/build
runs=3
parallel=4

fail() {
  echo "cloudflare-kv.sh: $*" >&2
  exit 2
}

while (($# > 0)); do
  case $1 in
    --build) build=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    -h | --help) sed -n '2,14p' "$0"; exit 0 ;;
    *) fail "unknown option '$1'; see --help" ;;
  esac
done

loadseed=$build/bin/loadseed
emulator=$build/bin/loadseed-kv-emulator
[[ -x $loadseed && -x $emulator ]] || fail "loadseed or loadseed-kv-emulator not found in $build/bin; build first"
[[ -x /usr/bin/time ]] || fail "/usr/bin/time (GNU time) is needed for peak memory; install the 'time' package"
command -v curl >/dev/null || fail "curl is needed as the baseline"

work=$(mktemp -d)
emulator_pid=
stop_emulator() {
  if [[ -n $emulator_pid ]]; then
    kill -TERM "$emulator_pid" 2>/dev/null || true
    wait "$emulator_pid" 2>/dev/null || true
    emulator_pid=
  fi
  exec 3<&-
}
trap 'stop_emulator; rm -rf "$work"' EXIT

token=$(od -An -tx1 -N24 /dev/urandom | tr -d ' \n')
clock_ticks=$(getconf CLK_TCK)

# Starts a fresh emulator and sets port and emulator_pid.
start_emulator() {
  rm -f "$work/emulator.out"
  mkfifo "$work/emulator.out"
  KV_EMULATOR_TOKEN=$token "$emulator" --port 0 --account-id "$account_id" --namespace-id "$namespace_id" \
    >"$work/emulator.out" 2>>"$work/emulator.log" &
  emulator_pid=$!
  exec 3<"$work/emulator.out"
  local line
  read -r -t 10 line <&3 || fail "the emulator printed no port line; see $work/emulator.log"
  port=${line##*:}
}

# CPU seconds (user + system) the emulator has used so far.
emulator_cpu() {
  awk -v ticks="$clock_ticks" '{ printf "%.2f", ($14 + $15) / ticks }' "/proc/$emulator_pid/stat"
}

emulator_keys() {
  curl -s "http://127.0.0.1:$port/__emulator/stats" | sed -n 's/.*"keys":\([0-9]*\).*/\1/p'
}

# Reads a GNU time -v report: wall seconds, CPU seconds, peak RSS in MB.
read_time_report() {
  awk -F': ' '
    /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
    /User time/ { cpu += $2 }
    /System time/ { cpu += $2 }
    /Maximum resident set size/ { rss = $2 / 1024 }
    END { printf "%.2f %.2f %.0f\n", wall, cpu, rss }' "$1"
}

echo "Writing the file-dump data set (seed $seed, start $start) for curl..."
"$loadseed" -q seed-multi-event --out "$work/dump" --seed "$seed" --start "$start" >/dev/null
files=("$work"/dump/kv/bulk-*.json)
echo "${#files[@]} bulk files, $(du -sh "$work/dump/kv" | cut -f1)"

run_loadseed() {
  start_emulator
  local before; before=$(emulator_cpu)
  CF_API_TOKEN=$token /usr/bin/time -v -o "$work/time.txt" "$loadseed" -q seed-multi-event --sink cloudflare-kv \
    --seed "$seed" --start "$start" \
    --opt "cloudflare-kv.api-base-url=http://127.0.0.1:$port/client/v4" \
    --opt "cloudflare-kv.account-id=$account_id" --opt "cloudflare-kv.namespace-id=$namespace_id" \
    --opt "cloudflare-kv.concurrency=$parallel" >/dev/null
  local after; after=$(emulator_cpu)
  result_line loadseed "$before" "$after"
  stop_emulator
}

run_curl() {
  start_emulator
  local url="http://127.0.0.1:$port/client/v4/accounts/$account_id/storage/kv/namespaces/$namespace_id/bulk"
  : >"$work/curl.conf"
  chmod 600 "$work/curl.conf"
  for file in "${files[@]}"; do
    {
      [[ $file == "${files[0]}" ]] || echo 'next'
      echo "url = \"$url\""
      echo 'request = "PUT"'
      echo "header = \"Authorization: Bearer $token\""
      echo 'header = "Content-Type: application/json"'
      echo 'header = "Expect:"'
      echo "data-binary = \"@$file\""
      echo 'output = "/dev/null"'
    } >>"$work/curl.conf"
  done
  local before; before=$(emulator_cpu)
  /usr/bin/time -v -o "$work/time.txt" curl --silent --no-progress-meter --fail --parallel --parallel-max "$parallel" -K "$work/curl.conf"
  local after; after=$(emulator_cpu)
  result_line curl "$before" "$after"
  stop_emulator
}

result_line() {
  local name=$1 before=$2 after=$3 wall cpu rss keys
  read -r wall cpu rss < <(read_time_report "$work/time.txt")
  keys=$(emulator_keys)
  [[ $keys == "$expected_keys" ]] || fail "$name left $keys keys in the emulator, expected $expected_keys"
  printf '%-9s %3s %8.2f %10.0f %9.2f %9.2f %12s\n' "$name" "$run" "$wall" "$(echo "$expected_keys / $wall" | bc)" \
    "$cpu" "$(echo "$after - $before" | bc)" "$rss" | tee -a "$work/results.txt"
}

echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); $parallel requests in flight"
printf '%-9s %3s %8s %10s %9s %9s %12s\n' client run "wall s" "keys/s" "client s" "emul. s" "peak RSS MB"
for ((run = 1; run <= runs; run++)); do
  run_loadseed
  run_curl
done

# Medians over the runs, and loadseed's wall time as a multiple of curl's.
awk '
  { wall[$1, ++n[$1]] = $3; cpu[$1, n[$1]] = $5; emu[$1, n[$1]] = $6; rss[$1, n[$1]] = $7 }
  function median(a, name,   k, m, v, i, j, t) {
    m = n[name]; for (k = 1; k <= m; k++) v[k] = a[name, k]
    for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
    return (m % 2) ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2
  }
  END {
    for (c = 0; c < 2; c++) {
      name = c ? "curl" : "loadseed"
      printf "median %-9s wall %.2f s, client CPU %.2f s, emulator CPU %.2f s, peak RSS %d MB\n", name,
        median(wall, name), median(cpu, name), median(emu, name), median(rss, name)
    }
    printf "loadseed / curl wall time: %.2f\n", median(wall, "loadseed") / median(wall, "curl")
  }' "$work/results.txt"
