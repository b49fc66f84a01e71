#!/usr/bin/env bash
# Back up an eldercredit database to one file.
#   scripts/backup.sh DATABASE_URL OUT_FILE
# PostgreSQL (postgresql://... or postgres://...): pg_dump --format=custom (restore with scripts/restore.sh).
# SQLite (sqlite:///relative/path or sqlite:////absolute/path): an online backup (consistent while the app
# runs), with the sqlite3 CLI's .backup when it is installed, else Python's sqlite3.Connection.backup.
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") DATABASE_URL OUT_FILE" >&2
    echo "  e.g. $(basename "$0") postgresql://postgres@127.0.0.1:5432/eldercredit backup.dump" >&2
    echo "       $(basename "$0") sqlite:///var/eldercredit.sqlite3 backup.sqlite3" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
url=$1
out=$2
[[ -n "$out" ]] || usage

case "$url" in
    postgresql://* | postgres://*)
        command -v pg_dump >/dev/null || { echo "pg_dump is not installed" >&2; exit 1; }
        tmp="$out.partial"
        pg_dump --format=custom --no-owner --file="$tmp" --dbname="$url"
        mv -f "$tmp" "$out"
        ;;
    sqlite:///*)
        path=${url#sqlite:///}  # sqlite:///rel -> rel, sqlite:////abs -> /abs
        [[ -f "$path" ]] || { echo "no SQLite database at $path" >&2; exit 1; }
        tmp="$out.partial"
        rm -f "$tmp"
        if command -v sqlite3 >/dev/null; then
            sqlite3 "$path" ".timeout 30000" ".backup '${tmp//\'/\'\'}'"
        else
            "${PYTHON:-python3}" - "$path" "$tmp" <<'PY'
import sqlite3
import sys

source = sqlite3.connect(sys.argv[1], timeout=30)
target = sqlite3.connect(sys.argv[2])
with target:
    source.backup(target)
target.close()
source.close()
PY
        fi
        mv -f "$tmp" "$out"
        ;;
    *)
        echo "unsupported DATABASE_URL (want postgresql://... or sqlite:///...): $url" >&2
        usage
        ;;
esac
echo "backed up to $out ($(wc -c <"$out") bytes)"
