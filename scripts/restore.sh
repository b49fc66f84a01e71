#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh.
#   scripts/restore.sh IN_FILE DATABASE_URL
# PostgreSQL: pg_restore --clean --if-exists --no-owner into an EXISTING database (create it first, e.g.
# `createdb NAME`), in one transaction: a failed restore leaves the target as it was. Stop the app first.
# SQLite: the backup file is copied into place (atomically; stale -wal/-shm files are removed). Stop the app first.
set -euo pipefail

usage() {
    echo "usage: $(basename "$0") IN_FILE DATABASE_URL" >&2
    echo "  e.g. $(basename "$0") backup.dump postgresql://postgres@127.0.0.1:5432/eldercredit" >&2
    echo "       $(basename "$0") backup.sqlite3 sqlite:///var/eldercredit.sqlite3" >&2
    exit 2
}

[[ $# -eq 2 ]] || usage
in=$1
url=$2
[[ -f "$in" ]] || { echo "no backup file at $in" >&2; usage; }

case "$url" in
    postgresql://* | postgres://*)
        command -v pg_restore >/dev/null || { echo "pg_restore is not installed" >&2; exit 1; }
        pg_restore --list "$in" >/dev/null  # refuse a file that is not a custom-format dump before touching the target
        pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$url" "$in"
        ;;
    sqlite:///*)
        path=${url#sqlite:///}
        if command -v sqlite3 >/dev/null; then
            check=$(sqlite3 "$in" "PRAGMA quick_check;" 2>&1) || true
        else
            check=$("${PYTHON:-python3}" -c 'import sqlite3, sys; print(sqlite3.connect(sys.argv[1]).execute("PRAGMA quick_check").fetchone()[0])' "$in" 2>&1) || true
        fi
        [[ "$check" == "ok" ]] || { echo "$in is not a sound SQLite database: $check" >&2; exit 1; }
        dir=$(dirname "$path")
        mkdir -p "$dir"
        tmp=$(mktemp "$dir/.restore.XXXXXX")
        cp "$in" "$tmp"
        rm -f "$path-wal" "$path-shm" "$path-journal"
        mv -f "$tmp" "$path"
        ;;
    *)
        echo "unsupported DATABASE_URL (want postgresql://... or sqlite:///...): $url" >&2
        usage
        ;;
esac
echo "restored $in into $url"
