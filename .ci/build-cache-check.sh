#!/usr/bin/env bash
# What ships is built by Turborepo (issue 10), and turbo's cache knows what a change touches:
#   1. `turbo run build` twice in a row: the second run is a full cache hit.
#   2. in a scratch copy of the repository, with dry runs (nothing built, nothing written here):
#      a change in packages/server-core/src changes the two servers' build and not the client's;
#      a change in a test changes no build; a file a package's tests run from outside the package
#      (scripts/start-built.sh behind npm start, the root package.json, the servers' sources the
#      client's tests start, every workspace for testkit's own tests, which read them all) changes
#      those tests' hash, so a change to it is never a replayed pass.
# Prints "ok"/"not ok" per check and "build cache: N passed, N failed"; exits 1 if any failed.
#
# Usage: bash .ci/build-cache-check.sh     (after npm ci; about 10 s)
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
root=$PWD
turbo=$root/node_modules/.bin/turbo
node=$root/node_modules/.bin/node
export TURBO_TELEMETRY_DISABLED=1

. .ci/checks.sh # check NAME COMMAND...: one line per check, counted

second_build_is_cached() {
  "$turbo" run build --output-logs=errors-only >/dev/null 2>&1 || return 1
  local summary
  summary=$("$turbo" run build --output-logs=errors-only 2>&1)
  echo "$summary" | grep -E '^ *(Tasks|Cached):' | sed 's/^ */    /'
  echo "$summary" | grep -qE 'Cached: +([0-9]+) cached, \1 total' && echo "$summary" | grep -q 'FULL TURBO'
}

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$scratch" 2>/dev/null

# task_hashes TASK...: one "task hash" per line for TASK in every package (scratch copy).
task_hashes() {
  (cd "$scratch" && "$turbo" run "$@" --dry=json 2>/dev/null) |
    "$node" -e 'let s = ""; process.stdin.on("data", (d) => (s += d)).on("end", () => {
      for (const t of JSON.parse(s).tasks) if (t.command !== "<NONEXISTENT>") console.log(t.taskId, t.hash)
    })'
}

# changed_tasks FILE TASK...: the tasks (package#task) whose hash changes when FILE gets one more
# line (an empty one, so that package.json stays JSON).
changed_tasks() {
  local file=$1 before after
  shift
  before=$(task_hashes "$@")
  [ -n "$before" ] || { echo "(no $* task found)"; return; }
  echo >>"$scratch/$file"
  after=$(task_hashes "$@")
  diff <(echo "$before") <(echo "$after") | awk '$1 == ">" { print $2 }' | sort | xargs
}

# changed_builds FILE: the apps whose build hash changes when FILE gets one more line.
changed_builds() {
  changed_tasks "$1" build | sed 's/#build//g'
}

# reruns FILE PACKAGE...: FILE's change reruns each PACKAGE's test and test:e2e (TASKS: others).
reruns() {
  local file=$1 changed missing=0 tasks=${TASKS:-test test:e2e}
  shift
  # shellcheck disable=SC2086 # one task per word
  changed=$(changed_tasks "$file" $tasks)
  echo "    tests rerun after a change in $file: ${changed:-none}"
  for package in "$@"; do
    for task in $tasks; do
      [[ " $changed " == *" @echolab/$package#$task "* ]] || { echo "    missing: @echolab/$package#$task"; missing=1; }
    done
  done
  return "$missing"
}

rebuilds_dependents_only() {
  local changed
  changed=$(changed_builds packages/server-core/src/index.ts)
  echo "    rebuilt after a change in server-core: ${changed:-nothing}"
  [ "$changed" = "@echolab/server-blocking @echolab/server-threaded" ]
}

tests_rebuild_nothing() {
  local changed
  changed=$(changed_builds packages/protocol/test/replies.test.ts)
  echo "    rebuilt after a change in a protocol test: ${changed:-nothing}"
  [ -z "$changed" ]
}

check "a second turbo run build is a full cache hit" second_build_is_cached
check "a change in server-core rebuilds the two servers, not the client" rebuilds_dependents_only
check "a change in a test rebuilds nothing" tests_rebuild_nothing
check "scripts/start-built.sh (npm start) is an input of the servers' tests" \
  reruns scripts/start-built.sh server-blocking server-threaded
check "the root package.json (root npm start) is an input of the threaded server's tests" \
  reruns package.json server-threaded
check "server-core, which the servers the client's tests start run, is an input of them" \
  reruns packages/server-core/src/index.ts client
# testkit's own tests read every workspace's imports and package.json (no test:e2e there).
reruns_testkit() {
  TASKS="test test:unit" reruns "$1" testkit
}
check "every workspace's sources are inputs of testkit's tests (they read every import)" \
  reruns_testkit apps/client/src/main.ts
check "every workspace's package.json is an input of testkit's tests" \
  reruns_testkit apps/lab/package.json

echo "build cache: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
