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

# The library's subsystems call only the ones below them (docs/internals.md,
# "Layers"), read from the objects of the sanitizer build.  A subsystem not
# listed here (a new folder) fails until its line is written.
LAYERS="core:
registry: core
selfcheck: core
tab: core selfcheck
survey: core selfcheck tab
store: core registry
sign: core registry
mail: core
content: core survey"
if python3 tests/suites/callgraph.py "${BUILD:-build}/san/obj" >/tmp/layers.$$ 2>/tmp/layers.$$.err; then
  LAYERS="$LAYERS" python3 - /tmp/layers.$$ <<'EOF'
import glob, os, sys
may = {}
for line in os.environ["LAYERS"].splitlines():
    name, below = line.split(":")
    may[name] = set(below.split())
bad = {}
for line in open(sys.argv[1]):
    a, b = line.split()
    if not (a.startswith("src/lib/") and b.startswith("src/lib/")):
        continue
    fa, fb = a.split("/")[2], b.split("/")[2]
    if fa != fb and fb not in may.get(fa, set()):
        bad.setdefault(fa, []).append(f"{a} calls {b}")
present = {f.split("/")[2] for f in glob.glob("src/lib/*/*.c")}
for name in sorted(present):
    allowed = ", ".join(sorted(may.get(name, ())))
    rule = f"calls only {allowed}" if allowed else "calls nothing else of the library"
    if bad.get(name):
        print(f"FAIL src/lib/{name}/ {rule}")
        for e in bad[name]:
            print("  " + e)
    else:
        print(f"ok   src/lib/{name}/ {rule}")
EOF
else
  echo "FAIL the library's layers: $(cat /tmp/layers.$$.err)"
fi
rm -f /tmp/layers.$$ /tmp/layers.$$.err
