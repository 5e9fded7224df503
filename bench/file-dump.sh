#!/usr/bin/env bash
# Benchmarks the default seed-multi-event into the file-dump sink, side by side
# with `cat` copying the same bytes, and checks that peak memory stays flat
# when bands per event grow tenfold. Prints a Markdown table.
#
#   bench/file-dump.sh [RUNS]      (default 3 runs each; the median is shown)
#
# Needs a Release build in build/ (scripts/build) and GNU time (/usr/bin/time).
set -euo pipefail

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
loadseed=$repo_root/build/bin/loadseed
runs=${1:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/loadseed-bench.XXXXXX")
trap 'rm -rf "$work"' EXIT

[[ -x $loadseed ]] || { echo "file-dump.sh: $loadseed not found; run scripts/build first" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "file-dump.sh: /usr/bin/time not found; apt-get install time" >&2; exit 2; }

# Runs a command under GNU time and prints "seconds peak_kib".
measure() {
  /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>"$work/stderr" || {
    cat "$work/stderr" >&2
    exit 1
  }
  cat "$work/time"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Times `runs` repetitions; prints "median_seconds max_peak_mib".
bench() {
  local seconds=() peaks=()
  for ((i = 0; i < runs; i++)); do
    read -r s k < <(measure "$@")
    seconds+=("$s")
    peaks+=("$k")
  done
  local s k
  s=$(printf '%s\n' "${seconds[@]}" | median)
  k=$(printf '%s\n' "${peaks[@]}" | sort -n | tail -1)
  echo "$s $((k / 1024))"
}

seed_args=(--quiet seed-multi-event --seed 42 --start 2026-05-01T18:00:00Z)

read -r seed_s seed_mib < <(bench "$loadseed" "${seed_args[@]}" --out "$work/out")
bytes=$(du -sb "$work/out" | cut -f1)
files=$(find "$work/out" -type f | wc -l)

# cat reads and writes the same bytes: the floor for any tool that writes them.
copy_all() { mkdir -p "$work/copy/kv" && for f in $(cd "$work/out" && find . -type f); do cat "$work/out/$f" >"$work/copy/$f"; done; }
export -f copy_all
export work
read -r cat_s cat_mib < <(bench bash -c copy_all)

read -r big_s big_mib < <(bench "$loadseed" "${seed_args[@]}" --bands-per-event 2000000 --out "$work/big")
big_bytes=$(du -sb "$work/big" | cut -f1)

cat <<EOF_TABLE
| run | wall time (s) | peak memory (MiB) | output |
|---|---|---|---|
| loadseed seed-multi-event, file-dump, 3 x 200,000 bands | $seed_s | $seed_mib | $((bytes / 1048576)) MiB in $files files |
| cat copying the same files | $cat_s | $cat_mib | $((bytes / 1048576)) MiB |
| loadseed, 3 x 2,000,000 bands (600,000 tap logs) | $big_s | $big_mib | $((big_bytes / 1048576)) MiB |
EOF_TABLE
echo
echo "median of $runs runs each; $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
