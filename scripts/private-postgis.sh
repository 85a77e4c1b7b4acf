# shellcheck shell=bash
# A throwaway PostgreSQL/PostGIS server on 127.0.0.1, for tests and benchmarks.
#   source scripts/private-postgis.sh
#   start_postgis PORT DBNAME   → sets PG_CONN ("PG:host=127.0.0.1 port=… dbname=… user=postgres")
#                                 and PG_PSQL (psql arguments), stops itself on exit
# Needs Debian's postgresql-15-postgis-3. PostgreSQL refuses to run as root, so as root the
# server runs as the postgres user.

start_postgis() {
  local port="$1" db="$2" bin=/usr/lib/postgresql/15/bin
  PG_DIR=$(mktemp -d /tmp/zdz-pg.XXXXXX)
  PG_AS=()
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres "$PG_DIR"
    PG_AS=(runuser -u postgres --)
  fi
  "${PG_AS[@]}" "$bin/initdb" -D "$PG_DIR/data" -U postgres -A trust >/dev/null
  "${PG_AS[@]}" "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $port -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  trap 'stop_postgis' EXIT
  PG_PSQL=(-q -h 127.0.0.1 -p "$port" -U postgres)
  psql "${PG_PSQL[@]}" -c "CREATE DATABASE $db" >/dev/null
  psql "${PG_PSQL[@]}" -d "$db" -c "CREATE EXTENSION postgis" >/dev/null
  PG_PSQL+=(-d "$db")
  PG_CONN="PG:host=127.0.0.1 port=$port dbname=$db user=postgres"
}

stop_postgis() {
  [ -n "${PG_DIR:-}" ] || return 0
  "${PG_AS[@]}" /usr/lib/postgresql/15/bin/pg_ctl -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$PG_DIR"
  PG_DIR=""
}
