#!/usr/bin/env bash
# Installs loadseed into a scratch prefix, builds the out-of-tree redis-queue
# sink against that install only, and seeds into a real redis-server on
# 127.0.0.1. Also shows that an installed host finds its bundled plugins
# with no environment variables.
#
#   tests/examples/redis_sink.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

build_dir=$1
source_dir=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/loadseed-example.XXXXXX")
redis_pid=
cleanup() {
  [[ -n $redis_pid ]] && kill "$redis_pid" 2>/dev/null && wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
unset LOADSEED_PLUGIN_PATH
loadseed=$prefix/bin/loadseed

# The installed host finds the bundled plugins under its own prefix.
"$loadseed" plugins >"$work/plugins.txt"
grep -q "^gaussian (generator .*) $prefix/lib/loadseed/plugins/gaussian.so" "$work/plugins.txt" ||
  fail "installed host did not find gaussian.so under $prefix: $(cat "$work/plugins.txt")"

# Build the example against the installed tree only.
cmake -S "$source_dir/examples/redis-sink" -B "$work/example" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/example" >/dev/null
[[ -f $work/example/redis-queue.so ]] || fail "the example did not build redis-queue.so"

# A redis-server on a free loopback port; a taken port makes it exit, so
# try a few.
for attempt in 1 2 3 4 5 6 7 8; do
  port=$((20000 + RANDOM % 20000))
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
    >"$work/redis.log" 2>&1 &
  redis_pid=$!
  for _ in $(seq 50); do
    redis-cli -p "$port" ping >/dev/null 2>&1 && break 2
    kill -0 "$redis_pid" 2>/dev/null || break
    sleep 0.1
  done
  redis_pid=
done
[[ -n $redis_pid ]] || fail "redis-server did not start: $(cat "$work/redis.log")"

"$loadseed" --plugin-dir "$work/example" seed-multi-event --scenario "$source_dir/examples/scenarios/tiny.json" \
  --sink redis-queue --opt redis-queue.port="$port" --seed 5 --start 2026-05-01T18:00:00Z >"$work/seed.txt" ||
  fail "seed into redis-queue failed: $(cat "$work/seed.txt")"

length=$(redis-cli -p "$port" LLEN tap-log:pending)
[[ $length == 500 ]] || fail "tap-log:pending holds $length entries, expected 500"

entry=$(redis-cli -p "$port" LINDEX tap-log:pending 0)
for field in '"id":"c[0-9a-z]{24}"' '"bandId":"c[0-9a-z]{24}"' '"tappedAt":"2026-05-01T1[2-8]:[0-9:.]{9}Z"' \
  '"modeServed":"(PRE|LIVE|POST)"' '"userAgent":"k6-loadtest/1.0"' '"ipAddress":"10\.0\.[0-9]+\.[0-9]+"'; do
  grep -Eq "$field" <<<"$entry" || fail "entry does not match $field: $entry"
done
[[ $(redis-cli -p "$port" KEYS '*' | wc -l) == 1 ]] || fail "the scratch key was left behind"

# A second run replaces the list whole instead of appending to it.
"$loadseed" --plugin-dir "$work/example" --quiet seed-multi-event \
  --scenario "$source_dir/examples/scenarios/tiny.json" --sink redis-queue --opt redis-queue.port="$port" >/dev/null
length=$(redis-cli -p "$port" LLEN tap-log:pending)
[[ $length == 500 ]] || fail "after a second run tap-log:pending holds $length entries, expected 500"

# An unreachable server is one clear line and a non-zero exit.
if "$loadseed" --plugin-dir "$work/example" seed-multi-event --scenario "$source_dir/examples/scenarios/tiny.json" \
  --sink redis-queue --opt redis-queue.port=1 >/dev/null 2>"$work/error.txt"; then
  fail "a run against a closed port succeeded"
fi
grep -q "cannot connect to Redis at 127.0.0.1:1" "$work/error.txt" || fail "unexpected error: $(cat "$work/error.txt")"

echo "example redis sink: 7 checks passed"
