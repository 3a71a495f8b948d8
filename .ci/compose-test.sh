#!/usr/bin/env bash
# Runs the compose stack for real against a Docker engine, once per server:
# builds the images, starts the server and waits until it is healthy, runs CLIENTS scripted client
# containers to the end, then checks that every client exited 0 and printed its echoes, that the
# server logged every client's messages, that the published port answers from the host, that the
# docs' `compose run` line leaves the server alone, and that the server (PID 1, no init) stops
# cleanly on SIGTERM. Always removes what it started.
#
# Usage: bash .ci/compose-test.sh      (after .ci/docker-setup.sh; about 1 min warm, 2 min cold)
# Env:   ECHOLAB_COMPOSE_SERVERS="server-threaded server-blocking"   which servers to run
#        ECHOLAB_COMPOSE_CLIENTS=2                                   client containers per run
# Prints "ok"/"not ok" per check and "compose: N passed, N failed"; exits 1 if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

SERVERS=${ECHOLAB_COMPOSE_SERVERS:-server-threaded server-blocking}
CLIENTS=${ECHOLAB_COMPOSE_CLIENTS:-2}
MESSAGES=3
BUILD_TIMEOUT_S=900 # a cold build installs turbo and the dependencies from the npm registry
STEP_TIMEOUT_S=180  # any other step: start, run the clients, stop

# The classic builder: dockerd 20.10's BuildKit has built one service from another's Dockerfile
# when both share the build context. Fixed settings, whatever the caller's shell holds.
export DOCKER_BUILDKIT=0 COMPOSE_DOCKER_CLI_BUILD=0
export ECHOLAB_PORT=0 # publish on any free loopback port: nothing else on this machine is disturbed
# JSON server logs: the checks below read them (compose's default is pretty, for people).
export LOG_FORMAT=json LOG_LEVEL=info CLIENT_COUNT=$MESSAGES CLIENT_INTERVAL_MS=200 CLIENT_TEXT='compose test from {name}, message {n}'
project=echolab-ci-$$
# dc [-t SECONDS] ARGS...: docker compose on this project (and only this file: no override files),
# bounded in time.
dc() {
  local seconds=$STEP_TIMEOUT_S
  if [ "$1" = -t ]; then seconds=$2 && shift 2; fi
  timeout "$seconds" docker compose --ansi never -f docker-compose.yml -p "$project" "$@"
}

. .ci/checks.sh # check NAME COMMAND...: one line per check, counted

down() { dc down -v --remove-orphans --timeout 10 >/dev/null 2>&1; }
log=$(mktemp -d)
trap 'down; rm -rf "$log"' EXIT

show_logs() {
  echo "--- last lines of the stack's logs ($1)"
  # (compose 2.26 starts lines with an erase-line code even with --ansi never)
  dc logs --no-color --tail 40 2>&1 | sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g' -e 's/^/    /'
  echo "---"
}

# ---- each check ---------------------------------------------------------------------------------

build() { dc -t "$BUILD_TIMEOUT_S" build >"$log/build" 2>&1 || { tail -30 "$log/build"; return 1; }; }

server_healthy() { dc up -d --wait server >"$log/up" 2>&1 || { cat "$log/up"; return 1; }; }

# `up` returns when the clients exit, and returns 0 even when they fail: their exit codes are read next.
run_clients() { dc up --scale "client=$CLIENTS" client >"$log/clients" 2>&1 || { cat "$log/clients"; return 1; }; }

clients_exit_0() {
  local codes
  codes=$(dc ps -a --format '{{.Service}} {{.ExitCode}}' | awk '$1 == "client" { print $2 }')
  echo "    client exit codes: ${codes//$'\n'/ }"
  [ "$(echo "$codes" | grep -c '^0$')" -eq "$CLIENTS" ]
}

client_names() { # the {name} each client put in its messages: its container's host name
  dc ps -a -q client | xargs -r docker inspect -f '{{.Config.Hostname}}'
}

clients_printed_echoes() {
  local name ok=0
  for name in $(client_names); do
    local n
    n=$(dc logs --no-color --no-log-prefix client | grep -c "Echo: compose test from $name, message")
    [ "$n" -eq "$MESSAGES" ] || { echo "    client $name printed $n of $MESSAGES echoes"; ok=1; }
  done
  [ "$(client_names | wc -l)" -eq "$CLIENTS" ] && return $ok
}

server_logged_messages() {
  local name ok=0
  dc logs --no-color --no-log-prefix server >"$log/server"
  for name in $(client_names); do
    local n
    n=$(grep '"msg":"message"' "$log/server" | grep -c "compose test from $name")
    [ "$n" -eq "$MESSAGES" ] || { echo "    the server logged $n of $MESSAGES messages from client $name"; ok=1; }
  done
  return $ok
}

# The blocking server's promise (lab experiment 2): between a session's "served" and its
# "session ended", every message logged belongs to that session. Holds however the clients overlap.
one_session_at_a_time() {
  echo "    clients that had to wait: $(grep -c '"msg":"waiting"' "$log/server")"
  awk '
    { conn = match($0, /"conn":[0-9]+/) ? substr($0, RSTART + 7, RLENGTH - 7) : "" }
    /"msg":"served"/ { if (serving != "") bad = 1; serving = conn }
    /"msg":"message"/ { if (conn != serving) bad = 1 }
    /"msg":"session ended"/ { if (conn == serving) serving = "" }
    END { exit bad }
  ' "$log/server"
}

host_port_answers() { # a person's `nc 127.0.0.1 5000`, on the port compose published
  local address host port reply
  address=$(dc port server 5000) || return 1
  host=${address%:*} port=${address##*:}
  exec 3<>"/dev/tcp/$host/$port" || return 1
  printf 'from the host\nsair\n' >&3
  IFS= read -r -t 10 reply <&3
  exec 3<&-
  echo "    $address answered: $reply"
  [ "$reply" = "Echo: from the host" ]
}

# The docs' interactive line (docs/docker.md), without a terminal: from a shell where
# ECHOLAB_SERVER is not set it must still leave the running server alone (--no-deps), not
# recreate it as the default server.
run_line_leaves_server_alone() {
  local before after
  before=$(dc ps -q server)
  (unset ECHOLAB_SERVER && dc run --rm --no-deps -T -e CLIENT_COUNT=1 -e CLIENT_TEXT='from run' client \
    </dev/null >"$log/run" 2>&1) || { cat "$log/run"; return 1; }
  after=$(dc ps -q server)
  echo "    server container before and after: ${before:0:12} ${after:0:12}"
  [ -n "$before" ] && [ "$before" = "$after" ] && grep -q '^Echo: from run' "$log/run"
}

stops_on_sigterm() {
  dc stop server >/dev/null 2>&1 || return 1
  local code
  code=$(dc ps -a --format '{{.Service}} {{.ExitCode}}' | awk '$1 == "server" { print $2 }')
  echo "    server exit code: $code"
  [ "$code" = 0 ] && dc logs --no-color --no-log-prefix server | grep -q '"msg":"stopped"'
}

# ---- one run per server -------------------------------------------------------------------------

started=$(date +%s)
for server in $SERVERS; do
  echo "== $server + $CLIENTS clients (project $project)"
  export ECHOLAB_SERVER=$server
  t0=$(date +%s)
  if check "$server: the server and client images build" build &&
    check "$server: the server becomes healthy" server_healthy; then
    check "$server: $CLIENTS client containers run to the end" run_clients
    check "$server: every client exits 0" clients_exit_0
    check "$server: every client printed its $MESSAGES echoes" clients_printed_echoes
    check "$server: the server logged every client's messages" server_logged_messages
    if [ "$server" = server-blocking ]; then
      check "$server: the server log shows one session at a time" one_session_at_a_time
    fi
    check "$server: the published port answers from the host" host_port_answers
    check "$server: the docs' \`compose run\` line leaves the running server alone" run_line_leaves_server_alone
    check "$server: the server stops on SIGTERM with exit code 0" stops_on_sigterm
  fi
  [ "$failed" -eq 0 ] || show_logs "$server"
  down
  echo "   ($server: $(($(date +%s) - t0)) s)"
done

echo "compose stack: $(($(date +%s) - started)) s"
echo "compose: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
