#!/usr/bin/env bash
# Runs echolab for real on a single-node Docker Swarm (deploy/swarm/stack.yml), then checks the
# images in plain containers without --init (DESIGN.md, "Replicas" and "In a container"):
#   1. builds the images (tag swarm-ci); joins a swarm only if this engine is in none;
#   2. deploys 3 server replicas + 6 clients: every client ends with every reply right, the
#      connections landed on more than one replica, each replica runs one thread per CPU of its limit;
#   3. deploys 6 clients that talk for a while and rolls the servers (`docker service update
#      --force`) meanwhile: no client fails, and some were moved from a stopping replica;
#   4. each image started with no --init stops promptly on `docker stop` (the client while still
#      retrying its connection), and a --cpus=0.5 server starts one thread.
# Always removes its stack and containers, and leaves the swarm if (and only if) it joined one.
#
# Usage: bash .ci/swarm-test.sh      (after .ci/docker-setup.sh; about 2-3 min warm)
# Prints "ok"/"not ok" per check and "swarm: N passed, N failed"; exits 1 if any check failed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

BUILD_TIMEOUT_S=900 # a cold build installs the dependencies from the npm registry
STEP_TIMEOUT_S=180  # any other wait: replicas healthy, clients done, an update converged
SERVERS=3
CLIENTS=6
QUICK_MESSAGES=5
ROLLING_MESSAGES=60 # 0.5 s apart: about 30 s of talking, while the update rolls
export DOCKER_BUILDKIT=0 # see docs/docker.md, "Traps"
export ECHOLAB_REGISTRY=echolab ECHOLAB_TAG=swarm-ci
stack=echolab-ci-$$
work=$(mktemp -d)
joined_swarm=no
containers=()

. .ci/checks.sh # check NAME COMMAND...: one line per check, counted

cleanup() {
  docker stack rm "$stack" >/dev/null 2>&1
  # The stack's network goes once its tasks are gone; leaving the swarm before that leaks it.
  for _ in $(seq 30); do
    docker network inspect "${stack}_echo" >/dev/null 2>&1 || break
    sleep 1
  done
  for name in "${containers[@]}"; do docker rm -f "$name" >/dev/null 2>&1; done
  [ "$joined_swarm" = yes ] && docker swarm leave --force >/dev/null 2>&1
  rm -rf "$work"
}
trap cleanup EXIT

# until SECONDS COMMAND...: runs COMMAND each second until it succeeds, at most SECONDS.
until_true() {
  local seconds=$1
  shift
  for _ in $(seq "$seconds"); do
    "$@" && return 0
    sleep 1
  done
  "$@"
}

# ---- images and swarm ---------------------------------------------------------------------------

build_images() {
  local app
  for app in server-threaded server-blocking client; do
    timeout "$BUILD_TIMEOUT_S" docker build -f "apps/$app/Dockerfile" -t "echolab/$app:$ECHOLAB_TAG" . \
      >"$work/build-$app" 2>&1 || { tail -30 "$work/build-$app"; return 1; }
  done
}

in_a_swarm() {
  local state
  state=$(docker info --format '{{.Swarm.LocalNodeState}}')
  echo "    swarm state before: $state"
  case $state in
  active) return 0 ;;
  inactive)
    # Loopback only: a single-node swarm needs no other address, and exposes nothing.
    docker swarm init --advertise-addr 127.0.0.1 --listen-addr 127.0.0.1:2377 >/dev/null &&
      joined_swarm=yes
    ;;
  *) return 1 ;;
  esac
}

# deploy [VAR=VALUE...]: (re)deploys the stack with these settings.
deploy() {
  env SERVER_REPLICAS=$SERVERS CLIENT_REPLICAS=$CLIENTS "$@" \
    timeout "$STEP_TIMEOUT_S" docker stack deploy --resolve-image never -c deploy/swarm/stack.yml "$stack" \
    >"$work/deploy" 2>&1 || { cat "$work/deploy"; return 1; }
}

# task_states SERVICE: the current state (first word) of each task of the service, history included.
task_states() { docker service ps --format '{{.CurrentState}}' "${stack}_$1" 2>/dev/null | awk '{ print $1 }'; }

servers_running() { [ "$(task_states server | grep -c '^Running$')" -eq "$SERVERS" ]; }

# clients_done N: at least N client tasks (history included) have ended, and none is still to end.
clients_done() {
  [ "$(task_states client | grep -cE '^(Complete|Failed|Rejected)$')" -ge "$1" ] &&
    ! task_states client | grep -qE '^(New|Pending|Assigned|Accepted|Preparing|Ready|Starting|Running)$'
}

no_client_failed() {
  local states
  states=$(task_states client | sort | uniq -c | xargs)
  echo "    client tasks: $states"
  ! task_states client | grep -qvE '^Complete$'
}

# A service's logs since SINCE, read container by container: `docker service logs` on this
# engine (20.10) sometimes never returns (seen here: 17 minutes on a finished client service), and
# on one node every task's container is here to read. Each read is bounded.
service_logs() {
  local container
  for container in $(docker ps -aq --filter "label=com.docker.swarm.service.name=${stack}_$2"); do
    timeout 30 docker logs --since "$1" "$container" 2>&1
  done
}
client_logs() { service_logs "$1" client; }
server_logs() { service_logs "$1" server; }

# every_reply_right SINCE MESSAGES: each client's summary since then says MESSAGES replies, none
# wrong or missing, and no client printed an error.
every_reply_right() {
  local logs summaries
  logs=$(client_logs "$1")
  summaries=$(echo "$logs" | grep -c "^summary: $2 messages, $2 replies; ")
  echo "    right summaries: $summaries of $CLIENTS"
  if echo "$logs" | grep -q '^error:'; then
    echo "$logs" | grep '^error:' | head -5 | sed 's/^/    /'
    return 1
  fi
  [ "$summaries" -eq "$CLIENTS" ] && ! echo "$logs" | grep '^summary:' | grep -qE 'wrong|missing'
}

spread_over_replicas() {
  local replicas
  replicas=$(server_logs "$1" | grep '"msg":"connected"' | grep -o '"hostname":"[^"]*"' | sort | uniq -c | xargs)
  echo "    connections per replica: $replicas"
  [ "$(echo "$replicas" | grep -o 'hostname' | wc -l)" -gt 1 ]
}

one_thread_per_cpu() { # the stack limits each replica to 1 CPU
  local threads
  threads=$(server_logs "$1" | grep '"msg":"listening"' | grep -o '"threads":[0-9]*' | sort | uniq -c | xargs)
  echo "    threads at start: $threads"
  [ -n "$threads" ] && ! server_logs "$1" | grep '"msg":"listening"' | grep -qv '"threads":1,'
}

clients_talking() { [ "$(task_states client | grep -c '^Running$')" -eq "$CLIENTS" ]; }

rolling_update() {
  timeout "$STEP_TIMEOUT_S" docker service update --force --detach=false "${stack}_server" \
    >"$work/update" 2>&1 || { tail -20 "$work/update"; return 1; }
}

clients_were_moved() {
  local moved
  moved=$(client_logs "$1" | grep -c '^reconnected to ')
  echo "    reconnections: $moved"
  [ "$moved" -gt 0 ]
}

# ---- containers without --init -------------------------------------------------------------------

# stops_promptly NAME EXPECTED_STATUS: `docker stop` (10 s before SIGKILL) ends it well within that,
# with the status it chose.
stops_promptly() {
  local started code
  started=$(date +%s)
  docker stop -t 10 "$1" >/dev/null || return 1
  code=$(docker inspect -f '{{.State.ExitCode}}' "$1")
  echo "    $1: exit $code after $(($(date +%s) - started)) s"
  [ "$code" = "$2" ] && [ $(($(date +%s) - started)) -lt 8 ]
}

logged() { docker logs "$1" 2>&1 | grep -q "$2"; }

server_without_init() { # $1: app; a half-CPU container must start one thread
  local name=$stack-$1
  containers+=("$name")
  docker run -d --name "$name" --cpus=0.5 "echolab/$1:$ECHOLAB_TAG" >/dev/null || return 1
  until_true 30 logged "$name" '"msg":"listening"' || return 1
  if [ "$1" = server-threaded ]; then
    docker logs "$name" 2>&1 | grep '"msg":"listening"' | grep -q '"threads":1,' ||
      { echo "    --cpus=0.5 did not start 1 thread: $(docker logs "$name" 2>&1 | grep listening)"; return 1; }
  fi
  stops_promptly "$name" 0
}

client_without_init() { # while it retries its connection: nothing listens on its own loopback
  local name=$stack-client
  containers+=("$name")
  docker run -d --name "$name" -e SERVER_HOST=127.0.0.1 -e CLIENT_CONNECT_TIMEOUT_MS=600000 \
    "echolab/client:$ECHOLAB_TAG" >/dev/null || return 1
  until_true 30 logged "$name" 'waiting for the server' || return 1
  stops_promptly "$name" 1 && logged "$name" 'stopped by SIGTERM'
}

# ---- the run ---------------------------------------------------------------------------------------

started=$(date +%s)
echo "== swarm stack $stack: $SERVERS servers, $CLIENTS clients"
if check "the server and client images build" build_images &&
  check "this engine is in a swarm (joined only if it was in none)" in_a_swarm; then
  t1=$(date +%s)
  # The servers first: clients started meanwhile would all find the first replica to be healthy.
  if check "the stack deploys as it is" deploy CLIENT_REPLICAS=0 &&
    check "$SERVERS server replicas run, healthy" until_true "$STEP_TIMEOUT_S" servers_running &&
    check "$CLIENTS clients are deployed" deploy CLIENT_COUNT=$QUICK_MESSAGES CLIENT_INTERVAL_MS=200 &&
    check "$CLIENTS clients run once to the end" until_true "$STEP_TIMEOUT_S" clients_done "$CLIENTS"; then
    check "no client failed or was restarted" no_client_failed
    check "every client got every reply right" every_reply_right "$t1" "$QUICK_MESSAGES"
    check "connections landed on more than one replica (logs name each)" spread_over_replicas "$t1"
    check "each replica runs one thread per CPU of its limit" one_thread_per_cpu "$t1"

    echo "== rolling update of the servers while $CLIENTS clients talk"
    t2=$(date +%s)
    sleep 1 # log timestamps have second resolution: nothing from the first round after t2
    if check "the clients are redeployed" deploy CLIENT_COUNT=$ROLLING_MESSAGES CLIENT_INTERVAL_MS=500 &&
      check "the $CLIENTS new clients are talking" until_true 60 clients_talking &&
      check "the rolling update converges" rolling_update &&
      check "the clients finish" until_true "$STEP_TIMEOUT_S" clients_done $((2 * CLIENTS)); then
      check "no client failed through the update" no_client_failed
      check "every client got every reply right through the update" every_reply_right "$t2" "$ROLLING_MESSAGES"
      check "clients were moved off stopping replicas (reconnected)" clients_were_moved "$t2"
    fi
  fi
  if [ "$failed" -gt 0 ]; then
    echo "--- last lines of the stack's logs"
    timeout 30 docker service logs --raw --tail 15 "${stack}_server" 2>&1 | sed 's/^/    /'
    timeout 30 docker service logs --raw --tail 15 "${stack}_client" 2>&1 | sed 's/^/    /'
    docker service ps --no-trunc "${stack}_client" "${stack}_server" 2>&1 | sed 's/^/    /'
  fi

  echo "== each image without --init"
  check "server-threaded (--cpus=0.5: 1 thread) stops on docker stop with 0" server_without_init server-threaded
  check "server-blocking stops on docker stop with 0" server_without_init server-blocking
  check "the client stops on docker stop while retrying its connection" client_without_init
fi

echo "swarm stack: $(($(date +%s) - started)) s"
echo "swarm: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
