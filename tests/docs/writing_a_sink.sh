#!/usr/bin/env bash
# Follows docs/writing-a-sink.md as a new plugin author would: checks that the
# code on the page is the code in examples/band-list/, installs loadseed into a
# scratch prefix, builds the sink against it, loads it and runs it, including
# a failure in another sink that must leave no file behind.
#
#   tests/docs/writing_a_sink.sh BUILD_DIR SOURCE_DIR
set -euo pipefail

build_dir=$1
source_dir=$2
doc=$source_dir/docs/writing-a-sink.md
work=$(mktemp -d "${TMPDIR:-/tmp}/loadseed-doc.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() {
  echo "FAILED: $*" >&2
  exit 1
}

# Each code block after a "<!-- file: PATH -->" marker must equal PATH.
checked=0
while read -r path; do
  awk -v marker="<!-- file: $path -->" '
    $0 == marker { found = 1; next }
    found && /^```/ { if (inside) exit; inside = 1; next }
    inside { print }
  ' "$doc" >"$work/block"
  cmp -s "$work/block" "$source_dir/$path" || fail "the code for $path in $doc differs from the file"
  checked=$((checked + 1))
done < <(sed -n 's/^<!-- file: \(.*\) -->$/\1/p' "$doc")
((checked == 2)) || fail "expected 2 file blocks in $doc, found $checked"

# Steps 1 and 4: install, then build against the install only.
prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" >/dev/null
unset LOADSEED_PLUGIN_PATH
export PATH="$prefix/bin:$PATH"
cmake -S "$source_dir/examples/band-list" -B "$work/band-list" -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$work/band-list" >/dev/null

# Step 5: the host lists it with its option.
loadseed --plugin-dir "$work/band-list" plugins >"$work/plugins.txt"
grep -q "^band-list (sink 1.0.0, ABI 1.0) $work/band-list/band-list.so" "$work/plugins.txt" ||
  fail "band-list not listed: $(cat "$work/plugins.txt")"
grep -q -- "--opt band-list.path=<string>" "$work/plugins.txt" || fail "band-list's option not listed"

# Step 6: it runs and writes 150 band ids.
loadseed --plugin-dir "$work/band-list" seed-multi-event --scenario "$source_dir/examples/scenarios/tiny.json" \
  --sink band-list --opt band-list.path="$work/bands.txt" >"$work/seed.txt"
[[ $(wc -l <"$work/bands.txt") == 150 ]] || fail "bands.txt has $(wc -l <"$work/bands.txt") lines, expected 150"
[[ $(head -1 "$work/bands.txt") == LT-SMOKE1-000001 ]] || fail "unexpected first line in bands.txt"

# Step 7: a failure in another sink leaves no file behind.
if loadseed --plugin-dir "$work/band-list" seed-multi-event --scenario "$source_dir/examples/scenarios/tiny.json" \
  --sink band-list --sink mock --opt band-list.path="$work/failed.txt" --opt mock.fail-at=write_batch:1 \
  >/dev/null 2>"$work/error.txt"; then
  fail "the run with a failing mock sink succeeded"
fi
grep -q "mock: write_batch failed" "$work/error.txt" || fail "unexpected error: $(cat "$work/error.txt")"
[[ ! -e $work/failed.txt && ! -e $work/failed.txt.partial ]] || fail "band-list left a file behind"

echo "writing-a-sink walk-through: 9 checks passed"
