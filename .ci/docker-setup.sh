#!/usr/bin/env bash
# Gets this machine ready to run the compose stack, and does nothing that is already done:
#   1. a Docker engine (Debian's docker.io), started by hand when none answers (no systemd here);
#   2. Compose v2 as a CLI plugin (bookworm only packages Compose v1, so it comes from trixie's
#      docker-compose package, fetched with a throw-away apt configuration);
#   3. the base image node:24-bookworm-slim: with no image registry reachable, a local stand-in is
#      built under that name by .ci/standin-node-image.sh (Node 24 from the npm registry).
# A machine that can pull the official image needs only steps 1-2 (or Docker Desktop).
#
# Usage: bash .ci/docker-setup.sh        (as root; about a minute the first time, instant after)
set -euo pipefail
cd "$(dirname "$0")/.."

BASE_IMAGE=node:24-bookworm-slim
DOCKERD_LOG=/var/log/echolab-dockerd.log
APT=(apt-get -o DPkg::Lock::Timeout=600 -qq)
export DEBIAN_FRONTEND=noninteractive
say() { echo "docker-setup: $*"; }

# ---- 1. engine -------------------------------------------------------------------------------------
if ! command -v dockerd >/dev/null; then
  say "installing docker.io ..."
  "${APT[@]}" update
  "${APT[@]}" install -y docker.io >/dev/null
fi
# The pid of a dockerd that is running (maybe still starting): alive, not a zombie, named dockerd.
running_dockerd() {
  local pid
  pid=$(cat /var/run/docker.pid 2>/dev/null) || return 1
  [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] && [ "$(awk '{ print $3 }' "/proc/$pid/stat")" != Z ]
}
if ! docker info >/dev/null 2>&1; then
  if running_dockerd; then
    say "waiting for the running dockerd ..."
  else
    # A dockerd that was killed leaves its pid file, and refuses to start again while it is there
    # (a killed process nobody reaped still holds its pid).
    rm -f /var/run/docker.pid
    say "starting dockerd (log: $DOCKERD_LOG) ..."
    setsid nohup dockerd >>"$DOCKERD_LOG" 2>&1 </dev/null &
  fi
  for _ in $(seq 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -5 "$DOCKERD_LOG"; say "dockerd did not answer within 60 s"; exit 1; }
fi
say "engine $(docker version -f '{{.Server.Version}}')"

# ---- 2. Compose v2 -----------------------------------------------------------------------------------
if ! docker compose version --short 2>/dev/null | grep -q '^v\?2\.'; then
  say "installing Compose v2 from Debian trixie's docker-compose package ..."
  T=$(mktemp -d) && chmod 755 "$T"  # apt drops to user _apt to download
  trap 'rm -rf "$T"' EXIT
  mkdir -p "$T/etc" "$T/lists/partial" "$T/cache/archives/partial"
  MIRROR=$(sed -n "s/^URIs: *//p" /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
  [ -n "$MIRROR" ] || MIRROR=$(awk '$1=="deb"{print $2; exit}' /etc/apt/sources.list)
  printf 'Types: deb\nURIs: %s\nSuites: trixie\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
    "$MIRROR" >"$T/etc/trixie.sources"
  O=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$T/etc" -o "Dir::State::Lists=$T/lists" -o "Dir::Cache=$T/cache")
  (cd "$T" && "${APT[@]}" "${O[@]}" update && "${APT[@]}" "${O[@]}" download docker-compose)
  dpkg -x "$T"/docker-compose_*.deb "$T/x"
  # A system-wide plugin folder, so it works whatever HOME is.
  install -D -m755 "$T/x/usr/libexec/docker/cli-plugins/docker-compose" /usr/local/lib/docker/cli-plugins/docker-compose
fi
say "compose $(docker compose version --short)"

# ---- 3. base image -----------------------------------------------------------------------------------
if ! docker image inspect "$BASE_IMAGE" >/dev/null 2>&1; then
  bash .ci/standin-node-image.sh "$BASE_IMAGE"
fi
say "base image $BASE_IMAGE: node $(docker run --rm "$BASE_IMAGE" node --version)"
