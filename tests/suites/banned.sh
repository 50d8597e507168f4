#!/usr/bin/env bash
# Fails when C sources use a function the project bans (unbounded copies,
# unchecked conversions, tokenisers with hidden state).  Prints one
# 'ok'/'FAIL' line per banned name.
cd "$(dirname "$0")/../.." || exit 1
status=0
for fn in strcpy strcat sprintf vsprintf strtok atoi atol atoll atof sscanf gets; do
  hits=$(grep -rnE "(^|[^A-Za-z0-9_])${fn}[[:space:]]*\(" src include tests/unit tests/fuzz 2>/dev/null | grep -v '^\s*//' )
  if [ -n "$hits" ]; then
    echo "FAIL banned function $fn"; echo "$hits" | sed 's/^/  /'; status=1
  else
    echo "ok   banned function $fn not used"
  fi
done
exit $status
