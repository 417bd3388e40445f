#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server for the server-backed test run, installing Debian's
# PostgreSQL first when the machine has none. Prints the DATABASE_URL to use on its last line.
# Usage: .ci/postgres.sh start <dir> <port> | .ci/postgres.sh stop <dir>
set -euo pipefail

find_pg_bin() {
  local dir
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/initdb" ] && { echo "$dir"; return 0; }
  done
  command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
  return 1
}

action=${1:?start or stop}
dir=${2:?data folder}
case "$action" in
  start)
    port=${3:?port}
    if ! bin=$(find_pg_bin); then
      echo "PostgreSQL is not installed: installing Debian's postgresql package..." >&2
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq >&2
      apt-get install -y -qq postgresql >&2
      bin=$(find_pg_bin)
    fi
    mkdir -p "$dir"
    # initdb refuses to run as root; the server runs as the postgres user when we are root.
    run_as=()
    if [ "$(id -u)" = 0 ]; then
      id postgres >/dev/null 2>&1 || useradd --system --home-dir "$dir" postgres
      chown -R postgres "$dir"
      run_as=(runuser -u postgres --)
    fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      "${run_as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off" start >&2 \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    bin=$(find_pg_bin)
    run_as=()
    [ "$(id -u)" = 0 ] && run_as=(runuser -u postgres --)
    "${run_as[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >&2 || true
    ;;
  *) echo "usage: $0 start <dir> <port> | stop <dir>" >&2; exit 2 ;;
esac
