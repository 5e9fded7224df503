#!/usr/bin/env bash
# Compares three ways of loading the default scenario (600,000 bands over
# three events, 600,000 tap logs on the first) into PostgreSQL 15, each from
# empty tables with the application's indexes and foreign keys, on a fresh
# server with default settings (scripts/with-postgres):
#
#   1. loadseed seed-multi-event --sink postgres (KV stages skipped), then the
#      same command again when everything already exists;
#   1b. the same with --opt postgres.bulk-rebuild=off: a plain COPY into
#      TapLog with its indexes and foreign keys in place;
#   2. psql \copy of the same rows in the old seeder's order: bands by number,
#      tap logs in random order;
#   3. the same rows as multi-row INSERT statements of 5,000 rows, one
#      transaction per statement, as the old seeder sends them.
#
# usage: bench/postgres.sh [BUILD_DIR]     (default: build)
# Prints one line per contender; the results go into docs/benchmarks.md.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "${1:-$here/build}" && pwd)
loadseed=$build/bin/loadseed
with_postgres=$here/scripts/with-postgres
seed=42
start=2026-05-01T18:00:00Z

work=$(mktemp -d -t loadseed-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
cd "$work"

echo "machine: $(nproc) cores, $(uname -r), $(psql --version | head -1)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"

# The rows of contenders 2 and 3, from the file-dump sink with the same seed
# and start; gaussian.order=random gives the tap logs in no time order, as the
# old seeder inserts them.
"$loadseed" -q seed-multi-event --seed $seed --start $start --out "$work/csv" --opt gaussian.order=random >/dev/null
python3 - "$work/csv" <<'PY'
# Writes band.sql and tap_log.sql: INSERT statements of 5,000 rows each.
import csv, sys
folder = sys.argv[1]
def literal(value):
    return "NULL" if value == "" else "'" + value.replace("'", "''") + "'"
for table, name in (("Band", "band"), ("TapLog", "tap_log")):
    with open(f"{folder}/{name}.csv", newline="") as source, open(f"{folder}/{name}.sql", "w") as out:
        rows = csv.reader(source)
        columns = ", ".join(f'"{c}"' for c in next(rows))
        batch = []
        def flush():
            if batch:
                out.write(f'INSERT INTO "{table}" ({columns}) VALUES\n' + ",\n".join(batch) + ";\n")
                batch.clear()
        for row in rows:
            batch.append("(" + ", ".join(literal(v) for v in row) + ")")
            if len(batch) == 5000:
                flush()
        flush()
PY
chmod -R a+rX "$work"

cat >"$work/entities.psql" <<'SQL'
\copy "Organization" FROM 'csv/organization.csv' WITH (FORMAT csv, HEADER)
\copy "Event" FROM 'csv/event.csv' WITH (FORMAT csv, HEADER)
\copy "EventWindow" FROM 'csv/event_window.csv' WITH (FORMAT csv, HEADER)
SQL
cat >"$work/copy.psql" <<'SQL'
\copy "Band" FROM 'csv/band.csv' WITH (FORMAT csv, HEADER)
\copy "TapLog" FROM 'csv/tap_log.csv' WITH (FORMAT csv, HEADER)
SQL
cat >"$work/counts.sql" <<'SQL'
SELECT (SELECT count(*) FROM "Band") || ' bands, ' || (SELECT count(*) FROM "TapLog") || ' tap logs';
SQL

export loadseed seed start work
seconds() { date +%s.%N; }
export -f seconds

echo
echo "1. loadseed --sink postgres"
"$with_postgres" bash -c '
    set -e
    "$loadseed" -q schema apply
    /usr/bin/time -v -o "$work/time.txt" "$loadseed" -q seed-multi-event --sink postgres --seed $seed --start $start >/dev/null
    printf "   wall %s, peak RSS %s kB\n" "$(grep "Elapsed (wall" "$work/time.txt" | sed "s/.*: //")" \
        "$(grep "Maximum resident" "$work/time.txt" | sed "s/.*: //")"
    t0=$(seconds)
    "$loadseed" -q seed-multi-event --sink postgres --seed $seed --start $start >/dev/null
    printf "   re-run with everything present: %.2f s\n" "$(echo "$(seconds) - $t0" | bc)"
    printf "   %s\n" "$(psql -At "$DATABASE_URL" -f "$work/counts.sql")"'

echo "1b. loadseed --sink postgres --opt postgres.bulk-rebuild=off"
"$with_postgres" bash -c '
    set -e
    "$loadseed" -q schema apply
    /usr/bin/time -v -o "$work/time.txt" "$loadseed" -q seed-multi-event --sink postgres --seed $seed --start $start \
        --opt postgres.bulk-rebuild=off >/dev/null
    printf "   wall %s, peak RSS %s kB\n" "$(grep "Elapsed (wall" "$work/time.txt" | sed "s/.*: //")" \
        "$(grep "Maximum resident" "$work/time.txt" | sed "s/.*: //")"
    printf "   %s\n" "$(psql -At "$DATABASE_URL" -f "$work/counts.sql")"'

echo "2. psql \\copy, tap logs in random order"
"$with_postgres" bash -c '
    set -e
    "$loadseed" -q schema apply
    cd "$work"
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f entities.psql
    t0=$(seconds)
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f copy.psql
    printf "   wall %.1f s\n" "$(echo "$(seconds) - $t0" | bc)"
    printf "   %s\n" "$(psql -At "$DATABASE_URL" -f counts.sql)"'

echo "3. INSERT statements of 5,000 rows, one transaction each"
"$with_postgres" bash -c '
    set -e
    "$loadseed" -q schema apply
    cd "$work"
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f entities.psql
    t0=$(seconds)
    psql -q -v ON_ERROR_STOP=1 "$DATABASE_URL" -f csv/band.sql -f csv/tap_log.sql
    printf "   wall %.1f s\n" "$(echo "$(seconds) - $t0" | bc)"
    printf "   %s\n" "$(psql -At "$DATABASE_URL" -f counts.sql)"'

echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
