# Sourced by scripts/test, scripts/demo and bench/: a throwaway PostgreSQL cluster in a temp
# directory, reachable only through a Unix socket, removed on exit even when the caller fails.
#
#   pg_start         starts it and exports PGHOST, PGPORT, PGUSER, PGDATABASE, DATABASE_URL
#   pg_stop          stops and removes it (also installed as an EXIT trap by pg_start)
#   pg_as_owner CMD  runs CMD as the user that owns the cluster (postgres when we are root)

pg_find_bin() {
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
        PG_BIN=$(dirname "$(command -v initdb)")
        return 0
    fi
    local candidate
    for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
        if [ -x "$candidate/initdb" ] && [ -x "$candidate/pg_ctl" ]; then
            PG_BIN=$candidate
            return 0
        fi
    done
    echo "PostgreSQL is not installed: no initdb on PATH or in /usr/lib/postgresql/*/bin. Install it with: apt-get install postgresql libpq-dev libxml2-dev pkg-config" >&2
    return 1
}

pg_as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

pg_start() {
    pg_find_bin || return 1
    if [ "$(id -u)" = 0 ] && ! id postgres >/dev/null 2>&1; then
        echo "Running as root needs the system user 'postgres' (created by the postgresql package)." >&2
        return 1
    fi
    PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/disburse-pg.XXXXXX")
    chmod 0755 "$PG_TMP"
    [ "$(id -u)" = 0 ] && chown postgres: "$PG_TMP"
    trap pg_stop EXIT
    trap 'exit 130' INT TERM
    echo "==> starting a throwaway PostgreSQL in $PG_TMP (Unix socket only)"
    pg_as_owner "$PG_BIN/initdb" -D "$PG_TMP/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$PG_TMP/initdb.log" 2>&1 \
        || { cat "$PG_TMP/initdb.log" >&2; echo "initdb failed (log above)." >&2; return 1; }
    # Durability is traded for speed only in this throwaway cluster (fsync off survives a
    # killed server, not a killed machine); bench/ says which settings it measured with.
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -l "$PG_TMP/server.log" -w -t 60 \
        -o "-c listen_addresses='' -k $PG_TMP -c max_connections=200 -c shared_buffers=512MB -c fsync=${PG_FSYNC:-off} -c synchronous_commit=${PG_FSYNC:-off} -c full_page_writes=${PG_FSYNC:-off} -c max_wal_size=8GB -c work_mem=64MB -c maintenance_work_mem=512MB -c random_page_cost=1.1" \
        start >/dev/null \
        || { cat "$PG_TMP/server.log" >&2; echo "PostgreSQL did not start (log above)." >&2; return 1; }
    export PGHOST=$PG_TMP PGPORT=5432 PGUSER=postgres PGDATABASE=postgres
    export DATABASE_URL="postgresql:///postgres?host=$PG_TMP&user=postgres"
}

pg_stop() {
    [ -n "${PG_TMP:-}" ] && [ -d "$PG_TMP" ] || return 0
    echo "==> stopping the throwaway PostgreSQL"
    pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m fast -w stop >/dev/null 2>&1 \
        || pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_TMP/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$PG_TMP"
    PG_TMP=
}
