#!/usr/bin/env bash
# The shared fixtures: tables of the 2018 report reproduced by `hoshi tab`.
# CI clones the repository with ../shared beside it.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
check=$here/../shared/fixtures/check.sh
if [ ! -x "$check" ] && [ ! -f "$check" ]; then
  echo "FAIL tab_fixtures: $check not found (clone ../shared beside the repository)"
  exit 1
fi
out=$(bash "$check" "$bin" 2>&1)
echo "$out" | grep -E '^(ok|FAIL) ' | sed -E 's/^ok +/ok   fixture /; s/^FAIL /FAIL fixture /'
echo "$out" | tail -1 | grep -q ' 0 failed' || { echo "  $(echo "$out" | tail -1)"; exit 1; }
