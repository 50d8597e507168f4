#!/usr/bin/env bash
# The shared questionnaire fixture: `hoshi survey codebook` of the sample
# XLSForm (CSV sheets) against the codebook the contract implies.  CI
# clones the repository with ../shared beside it.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
check=$here/../shared/fixtures-survey/check.sh
if [ ! -f "$check" ]; then
  echo "FAIL survey_fixtures: $check not found (clone ../shared beside the repository)"
  exit 1
fi
out=$(bash "$check" "$bin" 2>&1)
if echo "$out" | tail -1 | grep -q '^[1-9][0-9]* passed, 0 failed$'; then
  echo "ok   survey fixture: the sample's codebook ($(echo "$out" | tail -1))"
else
  echo "FAIL survey fixture: the sample's codebook"
  echo "$out" | sed 's/^/  /'
  exit 1
fi
