#!/usr/bin/env bash
# A private PostgreSQL for bench/searchbench, never for CI or `go test`:
# installs PostgreSQL from Debian's packages if it is missing, and runs a
# cluster of its own in $SEARCHBENCH_PGDIR (default /tmp/parlq-searchbench-pg)
# that listens only on a Unix socket in that directory (no TCP), as the
# postgres user when started by root (initdb refuses root).
#
#   bash bench/searchbench/postgres.sh start    # install, init, start; prints the DSN
#   bash bench/searchbench/postgres.sh stop
#   bash bench/searchbench/postgres.sh destroy  # stop and delete the cluster
#
# The searchbench program's default -pg connects to this cluster.
set -euo pipefail

cmd=${1:-start}
dir=${SEARCHBENCH_PGDIR:-/tmp/parlq-searchbench-pg}
port=${SEARCHBENCH_PGPORT:-54329}
db=searchbench

pgbin() {
  ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1
}

install() {
  if [ -n "$(pgbin)" ]; then
    return
  fi
  if [ "$(id -u)" != 0 ]; then
    echo "postgres.sh: PostgreSQL is not installed; run as root to install it (apt-get install postgresql)" >&2
    exit 1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq postgresql >/dev/null
}

# as runs a command as the cluster's owner.
as() {
  if [ "$(id -u)" = 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

case "$cmd" in
start)
  install
  bin=$(pgbin)
  mkdir -p "$dir"
  if [ "$(id -u)" = 0 ]; then
    chown postgres: "$dir"
  fi
  if [ ! -s "$dir/data/PG_VERSION" ]; then
    as "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-locale >"$dir/initdb.log"
  fi
  if ! as "$bin/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
    # Settings for a benchmark on a 2-core, 24 GB machine: memory for sorts,
    # GROUP BY and index builds; a bulk load without WAL (wal_level minimal);
    # custom plans for every query (a generic plan after five runs of a
    # prepared statement makes phrase and concept queries ten times slower);
    # no JIT compilation of queries.
    as "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -o "\
 -c listen_addresses='' -c unix_socket_directories='$dir' -p $port\
 -c shared_buffers=2GB -c work_mem=64MB -c maintenance_work_mem=1GB\
 -c wal_level=minimal -c max_wal_senders=0 -c synchronous_commit=off -c max_wal_size=8GB\
 -c plan_cache_mode=force_custom_plan -c jit=off" start >/dev/null
  fi
  if [ -z "$(as "$bin/psql" -h "$dir" -p "$port" -U postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'")" ]; then
    as "$bin/createdb" -h "$dir" -p "$port" -U postgres "$db"
  fi
  echo "export SEARCHBENCH_PG='host=$dir port=$port user=postgres dbname=$db sslmode=disable'"
  ;;
stop)
  bin=$(pgbin)
  if [ -n "$bin" ] && [ -d "$dir/data" ]; then
    as "$bin/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  fi
  ;;
destroy)
  "$0" stop
  rm -rf "$dir"
  ;;
*)
  echo "usage: postgres.sh start|stop|destroy" >&2
  exit 2
  ;;
esac
