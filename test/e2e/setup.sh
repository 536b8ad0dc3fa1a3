#!/usr/bin/env bash
# Installs what the end-to-end test needs, once per machine and outside the project tree:
# Debian packages (Chromium, ripgrep, headers for code-server's native modules) and code-server from npm.
# Prints the code-server binary path as its last line. Fast when everything is already there.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3 # VS Code 1.100.3: the newest line that still runs on Node 20
E2E_CACHE="${LONGLENS_CACHE:-$HOME/.cache/longlens}/e2e"
PREFIX="$E2E_CACHE/code-server-$CODE_SERVER_VERSION"
CODE_SERVER_BIN="$PREFIX/node_modules/.bin/code-server"
# Chromium for Playwright; ripgrep for code-server's search; compilers and headers for its native modules.
DEBIAN_PACKAGES=(chromium ripgrep g++ make pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev)

log() { echo "[e2e setup] $*" >&2; }

install_missing_debian_packages() {
  local missing=() pkg
  for pkg in "${DEBIAN_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  command -v python3 >/dev/null || missing+=(python3) # node-gyp runs gyp with any python3
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing Debian packages: ${missing[*]}"
  local sudo=()
  [ "$(id -u)" -ne 0 ] && sudo=(sudo)
  "${sudo[@]}" apt-get update -q
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# code-server's nested @vscode/ripgrep postinstall downloads rg from GitHub, which may be unreachable.
# It first looks for the release tarball in its cache folder, so we put Debian's rg there.
# code-server 4.100.3's shrinkwrap pins @vscode/ripgrep 1.15.11, which asks for ripgrep v13.0.0-10.
seed_ripgrep_cache() {
  local dir="${TMPDIR:-/tmp}/vscode-ripgrep-cache-1.15.11"
  local tarball="$dir/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
  [ -f "$tarball" ] && return 0
  mkdir -p "$dir"
  tar -czf "$tarball" -C /usr/bin rg
}

install_code_server() {
  if [ -x "$CODE_SERVER_BIN" ] && [ -f "$PREFIX/.installed" ]; then
    return 0
  fi
  log "installing code-server $CODE_SERVER_VERSION into $PREFIX (takes ~5 minutes, once per machine)"
  seed_ripgrep_cache
  rm -rf "$PREFIX"
  mkdir -p "$PREFIX"
  echo '{"name":"longlens-e2e-code-server","private":true}' >"$PREFIX/package.json"
  # node-gyp downloads Node's headers unless told where they are; Node's own install carries them.
  local node_prefix
  node_prefix="$(dirname "$(dirname "$(node -p process.execPath)")")"
  if [ -z "${npm_config_nodedir:-}" ] && [ -f "$node_prefix/include/node/node.h" ]; then
    export npm_config_nodedir="$node_prefix"
  fi
  # npm_config_yes: a nested `npx node-gyp` would otherwise wait on a prompt.
  # --unsafe-perm: code-server's postinstall refuses to run as root without it.
  (cd "$PREFIX" && npm_config_yes=true npm install --no-save --no-audit --no-fund --unsafe-perm \
    --foreground-scripts "code-server@$CODE_SERVER_VERSION" >&2)
  touch "$PREFIX/.installed"
}

install_missing_debian_packages
install_code_server
echo "$CODE_SERVER_BIN"
