#!/usr/bin/env python3
"""Which file of src/ calls which: the graph the suites loops.sh and
layers.sh check.  Read from the objects of a build (nm): a file's undefined
symbols are edges to the files that define them.  Prints 'CALLER CALLEE'
lines, one per pair of distinct files; the first argument is the object
directory (build/san/obj).  Exit status 2 when an object is missing."""
import glob, subprocess, sys

def graph(objdir):
    defs, uses, missing = {}, [], []
    for src in sorted(glob.glob("src/lib/*/*.c") + glob.glob("src/server/*.c") + glob.glob("src/cli/*.c")):
        obj = f"{objdir}/{src[:-2]}.o"
        try:
            out = subprocess.run(["nm", obj], capture_output=True, text=True, check=True).stdout
        except (OSError, subprocess.CalledProcessError):
            missing.append(src)
            continue
        for line in out.splitlines():
            f = line.split()
            if len(f) == 2 and f[0] == "U":
                uses.append((src, f[1]))
            elif len(f) == 3 and f[1] in "TDBRCVWGi":
                defs.setdefault(f[2], src)
    edges = sorted({(f, defs[s]) for f, s in uses if s in defs and defs[s] != f})
    return edges, missing

if __name__ == "__main__":
    edges, missing = graph(sys.argv[1])
    if missing:
        print("missing objects (make san first): " + " ".join(missing), file=sys.stderr)
        sys.exit(2)
    for a, b in edges:
        print(a, b)
