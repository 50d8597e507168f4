#!/usr/bin/env bash
# The front ends (src/cli, src/server) use only the public API: they may
# include "hoshi/…" headers and their own, never the engine's internals,
# and neither includes the other (the CLI reaches the server through the
# one prototype srv_main() in src/cli/cli.h).
cd "$(dirname "$0")/../.." || exit 1
for dir in src/cli src/server; do
  own=$(cd "$dir" && ls *.h 2>/dev/null | tr '\n' '|')
  bad=$(grep -n '#include "' "$dir"/*.c "$dir"/*.h 2>/dev/null |
        grep -vE "#include \"(hoshi/[a-z_]+\.h|${own%|})\"")
  if [ -n "$bad" ]; then
    echo "FAIL $dir uses only the public API"; echo "$bad" | sed 's/^/  /'
  else
    echo "ok   $dir uses only the public API"
  fi
done
# and every public header compiles on its own
for h in include/hoshi/*.h; do
  if echo "#include \"${h#include/}\"" | ${CC:-cc} -std=c11 -Wall -Wextra -Werror -Iinclude -fsyntax-only -x c - 2>/tmp/layers.$$; then
    echo "ok   $h stands alone"
  else
    echo "FAIL $h stands alone"; sed 's/^/  /' /tmp/layers.$$
  fi
done
rm -f /tmp/layers.$$
