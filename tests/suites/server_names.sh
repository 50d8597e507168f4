#!/usr/bin/env bash
# Every global name the web application (src/server/) defines starts with
# srv_, so that it can never clash with the library's hoshi_/hi_ names or a
# system header's.  Reads the objects of the build $HOSHI came from
# (default build/san): one 'ok'/'FAIL' line per object file.
cd "$(dirname "$0")/../.." || exit 1
obj="$(dirname "${HOSHI:-build/san/hoshi}")/obj/src/server"
status=0
files=$(ls "$obj"/*.o 2>/dev/null)
if [ -z "$files" ]; then
  echo "FAIL server names: no objects in $obj (build first)"; exit 1
fi
for o in $files; do
  bad=$(nm "$o" | awk '$2 ~ /^[TDBR]$/ && $3 !~ /^srv_/ {print $3}')
  if [ -n "$bad" ]; then
    echo "FAIL server names: $(basename "$o") exports names without srv_: $(echo $bad)"; status=1
  else
    echo "ok   server names: $(basename "$o") exports only srv_ names"
  fi
done
# the sources agree: every object has its source, so none is left over
for c in src/server/*.c; do
  b=$(basename "$c" .c)
  [ -f "$obj/$b.o" ] || { echo "FAIL server names: $c has no object in $obj (stale build)"; status=1; }
done
exit $status
