# A throwaway PostgreSQL for the test suite: its own data folder, port and
# socket, fsync off, removed on exit. Installs the server from Debian if absent.
# Sourced by scripts/test; sets DARGAH_TEST_DATABASE_URL.

pg_bin_dir() {
  local ctl
  ctl=$(ls -d /usr/lib/postgresql/*/bin/pg_ctl 2>/dev/null | sort -V | tail -n 1)
  [ -n "$ctl" ] && dirname "$ctl"
}

install_postgres() {
  echo "scripts/test: PostgreSQL server not found; installing it from Debian packages" >&2
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql >/dev/null
}

free_port() {
  local port
  for port in $(seq 55432 55632); do
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  return 1
}

# initdb refuses to run as root: run the server as the packaged `postgres` user then.
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_throwaway_postgres() {
  local bin
  bin=$(pg_bin_dir) || true
  if [ -z "$bin" ]; then
    install_postgres
    bin=$(pg_bin_dir)
  fi
  DARGAH_PG_DIR=$(mktemp -d /tmp/dargah-pg.XXXXXX)
  [ "$(id -u)" -eq 0 ] && chown postgres "$DARGAH_PG_DIR"
  local port
  port=$(free_port)
  as_pg_user "$bin/initdb" -D "$DARGAH_PG_DIR/data" -U postgres -A trust --no-sync -E UTF8 >/dev/null
  as_pg_user "$bin/pg_ctl" -D "$DARGAH_PG_DIR/data" -l "$DARGAH_PG_DIR/server.log" -w \
    -o "-p $port -k $DARGAH_PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null
  DARGAH_PG_CTL="$bin/pg_ctl"
  trap stop_throwaway_postgres EXIT
  export DARGAH_TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$port/postgres"
  echo "scripts/test: throwaway PostgreSQL on port $port" >&2
}

stop_throwaway_postgres() {
  if [ -n "${DARGAH_PG_DIR:-}" ]; then
    as_pg_user "$DARGAH_PG_CTL" -D "$DARGAH_PG_DIR/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$DARGAH_PG_DIR"
  fi
}
