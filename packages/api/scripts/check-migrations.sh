#!/usr/bin/env bash
# The migrations in drizzle/ must be consistent (drizzle-kit check) and must already hold every
# change of the drizzle schema: if generate would write a new migration, the check fails (and
# removes what generate wrote, leaving drizzle/ as it was).
set -euo pipefail
cd "$(dirname "$0")/.."
npx drizzle-kit check
journal=$(mktemp)
trap 'rm -f "$journal"' EXIT
cp drizzle/meta/_journal.json "$journal"
files_before=$(ls drizzle drizzle/meta)
npx drizzle-kit generate --name schema_check
if [ "$(ls drizzle drizzle/meta)" != "$files_before" ]; then
  rm -f drizzle/*_schema_check.sql
  for snapshot in drizzle/meta/*_snapshot.json; do
    tag=$(basename "$snapshot" _snapshot.json)
    grep -q "\"${tag}_" "$journal" || rm -f "$snapshot"
  done
  cp "$journal" drizzle/meta/_journal.json
  echo "The drizzle schema (src/db/schema) has changes no migration in drizzle/ holds." >&2
  echo "Generate one: cd packages/api && npx drizzle-kit generate --name <what_changed>" >&2
  exit 1
fi
