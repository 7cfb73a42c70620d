# Independent protocol peers the tests talk to: the SMSC simulator on npm
# `smpp` under tests/peers/. Sourced by scripts/test.

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

install_peers() {
  [ -f tests/peers/package.json ] || return 0
  if ! command -v npm >/dev/null 2>&1; then
    echo "scripts/test: Node.js not found; installing it from Debian packages" >&2
    apt_install nodejs npm
  fi
  (cd tests/peers && npm ci --no-audit --no-fund --loglevel=error)
}
