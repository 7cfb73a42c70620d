# Property-based API testing: schemathesis (PyPI) generates requests from the
# gateway's own /openapi.json and fails the run on a 5xx, an undocumented
# status, content type or header, a body that does not match its schema, or
# invalid input that is accepted. Sourced by scripts/test.

SCHEMATHESIS_VERSION=4.32.5
SCHEMATHESIS_VENV=target/schemathesis-venv

install_schemathesis() {
  if "$SCHEMATHESIS_VENV/bin/schemathesis" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    return 0
  fi
  python3 -m venv "$SCHEMATHESIS_VENV"
  "$SCHEMATHESIS_VENV/bin/pip" install -q "schemathesis==$SCHEMATHESIS_VERSION"
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Spawns `dargah serve` on a fresh SQLite file with one API client and runs
# schemathesis against it for at most SCHEMATHESIS_MAX_TIME seconds.
run_schemathesis() {
  install_schemathesis
  cargo build --bin dargah
  local dir port pid rc=0
  dir=$(mktemp -d)
  port=$(free_port)
  cat > "$dir/dargah.toml" <<TOML
[http]
listen = "127.0.0.1:$port"
[database]
url = "sqlite://$dir/dargah.db"
[api.clients.schemathesis]
key = "schemathesis-key"
TOML
  target/debug/dargah --config "$dir/dargah.toml" serve >"$dir/serve.log" 2>&1 &
  pid=$!
  for _ in $(seq 100); do
    curl -fs "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.2
  done
  timeout "$(( ${SCHEMATHESIS_MAX_TIME:-90} + 60 ))" "$SCHEMATHESIS_VENV/bin/schemathesis" run \
    "http://127.0.0.1:$port/openapi.json" \
    --header "Authorization: Bearer schemathesis-key" \
    --checks "${SCHEMATHESIS_CHECKS:-all}" \
    --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-40}" \
    --max-time "${SCHEMATHESIS_MAX_TIME:-90}" \
    --seed 1 --workers 2 --no-color || rc=$?
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  if [ "$rc" -ne 0 ]; then
    echo "== schemathesis found problems; the gateway's log:" >&2
    tail -50 "$dir/serve.log" >&2
  fi
  rm -rf "$dir"
  return "$rc"
}
