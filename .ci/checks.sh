# Sourced by the .ci check scripts (after they cd to the repository root).
# `check NAME COMMAND...` runs one check, prints "ok - NAME" or "not ok - NAME", and counts it in
# $passed or $failed; it returns 1 when the check failed.
passed=0
failed=0
check() {
  local name=$1
  shift
  if "$@"; then
    echo "ok - $name"
    passed=$((passed + 1))
  else
    echo "not ok - $name"
    failed=$((failed + 1))
    return 1
  fi
}
