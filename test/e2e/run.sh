#!/usr/bin/env bash
# `npm run test:e2e`: loads the built extension into a real VS Code (code-server), drives it from headless
# Chromium with Playwright, and checks what a user would see. Needs `npm run build` first. With --write, a passing
# run rewrites the README's e2e section from what it measured.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
E2E="$ROOT/test/e2e"
cd "$ROOT"

CODE_SERVER="$(bash "$E2E/setup.sh" | tail -n 1)"

if [ ! -f dist/extension.js ]; then
  echo "test:e2e: dist/extension.js is missing; run \`npm run build\` first." >&2
  exit 1
fi

ARTIFACTS="$E2E/artifacts"
rm -rf "$ARTIFACTS" # screenshots and logs of this run only
WORK="$(mktemp -d "${TMPDIR:-/tmp}/longlens-e2e.XXXXXX")"
SERVER_PID=""
stop_code_server() {
  # code-server runs in its own process group (setsid), so this also ends its extension host.
  if [ -n "$SERVER_PID" ]; then
    kill -- "-$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap stop_code_server EXIT
trap 'exit 130' INT TERM

# The extension exactly as the VSIX would carry it: the files `vsce ls` lists (it honours .vscodeignore).
VERSION="$(node -p 'require("./package.json").version')"
EXTENSION_DIR="$WORK/extensions/longlens.longlens-$VERSION"
mkdir -p "$EXTENSION_DIR"
npx --no-install vsce ls --no-dependencies | while IFS= read -r file; do
  mkdir -p "$EXTENSION_DIR/$(dirname "$file")"
  cp "$file" "$EXTENSION_DIR/$file"
done
if [ ! -f "$EXTENSION_DIR/dist/extension.js" ]; then
  echo "test:e2e: the packaged file list (vsce ls) leaves out dist/extension.js; check .vscodeignore." >&2
  exit 1
fi

# code-server ships no default chat agent, and without one VS Code keeps its chat view off: a stand-in
# (test/e2e/chatHost, its proposed API enabled below) lets the participant suite reach @longlens.
CHAT_HOST_ID="longlens-e2e.chat-host"
cp -R "$E2E/chatHost" "$WORK/extensions/$CHAT_HOST_ID-0.0.1"

# A fresh profile without the first-run distractions.
USER_DATA_DIR="$WORK/user-data"
mkdir -p "$USER_DATA_DIR/User"
cat >"$USER_DATA_DIR/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "extensions.autoCheckUpdates": false,
  "extensions.autoUpdate": false,
  "extensions.ignoreRecommendations": true,
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none"
}
JSON

FIXTURE="$E2E/workspace"
WORKSPACE="$WORK/workspace"
cp -R "$FIXTURE" "$WORKSPACE"

SERVER_LOG="$WORK/code-server.log"
# Port 0: code-server picks a free loopback port and logs it.
setsid "$CODE_SERVER" --config "$WORK/config.yaml" --auth none --bind-addr 127.0.0.1:0 \
  --extensions-dir "$WORK/extensions" --user-data-dir "$USER_DATA_DIR" \
  --disable-telemetry --disable-update-check --disable-workspace-trust --enable-proposed-api "$CHAT_HOST_ID" \
  "$WORKSPACE" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

URL=""
for _ in $(seq 1 120); do
  URL="$(grep -o 'HTTP server listening on http://[0-9.:]*' "$SERVER_LOG" | sed 's/.* on //' || true)"
  [ -n "$URL" ] && break
  kill -0 "$SERVER_PID" 2>/dev/null || break
  sleep 0.5
done
if [ -z "$URL" ]; then
  echo "test:e2e: code-server did not start; its log:" >&2
  cat "$SERVER_LOG" >&2
  exit 1
fi
echo "[e2e] code-server at $URL, workspace $WORKSPACE"

# Every suite (or those named as arguments: `npm run test:e2e -- multiRoot`), one after another against this one
# code-server: they share its workspace and extension host.
WRITE=""
SUITES=()
for arg in "$@"; do
  if [ "$arg" = "--write" ]; then WRITE=1; else SUITES+=("$E2E/$arg.e2e.test.ts"); fi
done
[ ${#SUITES[@]} -eq 0 ] && SUITES=("$E2E"/*.e2e.test.ts)
status=0
LONGLENS_E2E_URL="$URL" LONGLENS_E2E_WORKSPACE="$WORKSPACE" LONGLENS_E2E_FIXTURE="$FIXTURE" \
  LONGLENS_E2E_ARTIFACTS="$ARTIFACTS" LONGLENS_E2E_LOGS="$USER_DATA_DIR/logs" \
  LONGLENS_E2E_CODE_SERVER="$CODE_SERVER" LONGLENS_E2E_EXTENSIONS="$WORK/extensions" LONGLENS_E2E_MEASURED="$WORK/measured.json" \
  node --import tsx --test --test-concurrency=1 --test-reporter=spec "${SUITES[@]}" || status=$?
if [ "$status" -ne 0 ]; then
  # The workbench's and extension host's logs say why a command did nothing or failed.
  mkdir -p "$ARTIFACTS"
  cp "$SERVER_LOG" "$ARTIFACTS/"
  cp -R "$USER_DATA_DIR/logs" "$ARTIFACTS/vscode-logs" 2>/dev/null || true
  echo "[e2e] failed; screenshots and logs are in $ARTIFACTS" >&2
fi
if [ "$status" -eq 0 ] && [ -n "$WRITE" ]; then
  node --import tsx "$E2E/writeReadme.ts" "$WORK/measured.json" "$(grep -o '^CODE_SERVER_VERSION=[0-9.]*' "$E2E/setup.sh" | cut -d= -f2)"
fi
exit "$status"
