#!/usr/bin/env bash
# A private, throwaway PostgreSQL cluster for Kura's storage tests (local runs and CI).
#
#   scripts/postgres-test-server.sh start   # prints: export KURA_TEST_POSTGRES_URL=postgres://kura:kura@127.0.0.1:55432/kura
#   scripts/postgres-test-server.sh stop    # stops it and deletes its data directory
#   scripts/postgres-test-server.sh status
#
# The cluster listens on 127.0.0.1 only, on $PGPORT (default 55432), keeps its Unix socket inside its data
# directory and runs with fsync off: it is for tests only. Role and database `kura` (password `kura`) are
# created; the role has CREATEDB because the conformance suite gives every test its own database.
# Works as root without systemd (initdb/pg_ctl run as the `postgres` user) and as an ordinary user that
# owns the data directory. Installs PostgreSQL with apt-get when it is missing. `start` on a running
# cluster only prints the URL again; `start` after a crash cleans up and starts afresh.
set -euo pipefail

PGPORT=${PGPORT:-55432}
PGDATA=${KURA_PGDATA:-/tmp/kura-postgres-$PGPORT}
URL="postgres://kura:kura@127.0.0.1:$PGPORT/kura"

log() { echo "postgres-test-server: $*" >&2; }

find_bin() {
    ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1
}

ensure_installed() {
    if [[ -z "$(find_bin)" ]]; then
        log "installing PostgreSQL with apt-get"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    PGBIN=$(find_bin)
    [[ -x "$PGBIN/initdb" ]] || { log "no initdb found under /usr/lib/postgresql"; exit 1; }
}

# Runs a PostgreSQL server binary as the owner of the cluster: `postgres` when we are root.
as_owner() {
    if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# Whether a postmaster of this data directory is alive (perhaps not accepting connections).
postmaster_alive() {
    [[ -n "${PGBIN:-}" && -f "$PGDATA/PG_VERSION" ]] && as_owner "$PGBIN/pg_ctl" -D "$PGDATA" status >/dev/null 2>&1
}

is_running() {
    postmaster_alive && "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"
}

stop_cluster() {
    if postmaster_alive; then
        as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null || true
    fi
    rm -rf "$PGDATA" "$PGDATA.pw"
}

start_cluster() {
    if is_running; then
        log "already running on 127.0.0.1:$PGPORT ($PGDATA)"
        echo "export KURA_TEST_POSTGRES_URL=$URL"
        return
    fi
    stop_cluster   # leftovers of a crashed run
    local owner=${USER:-$(id -un)}
    [[ $(id -u) -eq 0 ]] && owner=postgres
    install -d -m 700 -o "$owner" "$PGDATA"
    # initdb runs as the owner and must read the password file itself (a <(…) pipe is not readable by it).
    echo postgres > "$PGDATA.pw"
    chown "$owner" "$PGDATA.pw"
    as_owner "$PGBIN/initdb" -D "$PGDATA" -A scram-sha-256 --pwfile="$PGDATA.pw" -U postgres \
        --encoding=UTF8 --locale=C >/dev/null
    rm -f "$PGDATA.pw"
    as_owner "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PGPORT -k $PGDATA -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
        start >/dev/null || { cat "$PGDATA/server.log" >&2; exit 1; }
    PGPASSWORD=postgres "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
        -c "CREATE ROLE kura LOGIN CREATEDB PASSWORD 'kura'" \
        -c "CREATE DATABASE kura OWNER kura" >/dev/null
    log "running on 127.0.0.1:$PGPORT ($PGDATA)"
    echo "export KURA_TEST_POSTGRES_URL=$URL"
}

PGBIN=$(find_bin)
case "${1:-}" in
    start) ensure_installed; start_cluster ;;
    stop) stop_cluster; log "stopped (port $PGPORT)" ;;
    status) if is_running; then echo "running: $URL"; else echo "stopped"; exit 1; fi ;;
    *) echo "usage: $0 start|stop|status   (env: PGPORT, default 55432; KURA_PGDATA)" >&2; exit 2 ;;
esac
