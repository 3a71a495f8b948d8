#!/bin/sh
# Runs an app's build output (DESIGN.md: what ships is built), building it first when it is
# missing or stale: `npm start` and `npm run client` at the root, `npm start` in each app. The
# build goes through turbo's cache, so when nothing changed it takes a fraction of a second, and it
# prints nothing unless it fails. Then node replaces this shell, so a signal sent to npm (SIGTERM,
# or Ctrl-C on the terminal) reaches the app itself.
#
#   exec sh scripts/start-built.sh <app folder name> [arguments for the app...]
set -eu
app=$1
shift
root=$(cd "$(dirname "$0")/.." && pwd)
if ! log=$(cd "$root" && turbo run build --filter="@echolab/$app" --output-logs=errors-only 2>&1); then
  printf '%s\n' "$log" >&2
  echo "$app: the build failed (above); nothing was started" >&2
  exit 1
fi
exec node "$root/apps/$app/dist/main.mjs" "$@"
