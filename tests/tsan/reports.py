#!/usr/bin/env python3
"""Reads the ThreadSanitizer reports in DIR (the files TSAN_OPTIONS
log_path=DIR/tsan writes, one per process) and prints one line per
distinct report: its kind and, for each access, the first two frames in
our own code (src/ or tests/), e.g.
  data race: hi_hsd_verify_column src/lib/tab/hsd.c:289 < use_column src/lib/tab/vars.c:42 | …
followed by the report itself, indented, for the first occurrence.
Prints nothing when there is no report.  usage: reports.py DIR
"""
import glob, os, re, sys

FRAME = re.compile(r"^\s+#\d+ (\S+) (\S+?):(\d+)(?::\d+)? ")


def own_frames(lines, n=2):
    """The first n frames of a stack that lie in our sources, innermost
    first, joined by ' < ' (the caller follows the callee)."""
    out = []
    for line in lines:
        m = FRAME.match(line)
        if m and len(out) < n:
            path = m.group(2)
            for root in ("/src/", "/tests/"):
                if root in path:
                    out.append(f"{m.group(1)} {path[path.index(root) + 1:]}:{m.group(3)}")
                    break
    return " < ".join(out) or "?"


def reports(text):
    """Yields (kind, [stacks as lists of lines], block) for each report."""
    # a process TSan stopped (a signal, its own failure) is a report too
    for m in re.finditer(r"^(?:ThreadSanitizer:DEADLYSIGNAL|FATAL: ThreadSanitizer.*)$", text, re.M):
        block = text[m.start():m.start() + 4000]
        yield m.group(0).rstrip(), [block.split("\n")[1:]], block
    for block in re.findall(r"WARNING: ThreadSanitizer: .*?(?=\n={10,}|\Z)", text, re.S):
        lines = block.split("\n")
        kind = re.sub(r"\s*\(pid=\d+\)", "", lines[0][len("WARNING: ThreadSanitizer: "):])
        stacks, cur = [], None
        for line in lines[1:]:
            if re.match(r"^  \S", line):  # an access, a mutex, a thread or a location
                cur = []
                if not line.lstrip().startswith(("Location", "Thread", "Mutex")):
                    stacks.append(cur)
                else:
                    cur = None
            elif cur is not None:
                cur.append(line)
        yield kind, stacks, block


def main():
    seen = set()
    for path in sorted(glob.glob(os.path.join(sys.argv[1], "*"))):
        text = open(path, encoding="utf-8", errors="replace").read()
        for kind, stacks, block in reports(text):
            # the two accesses in a fixed order: which one TSan saw first varies
            key = kind + ": " + " | ".join(sorted(own_frames(s) for s in stacks[:2]))
            if key in seen:
                continue
            seen.add(key)
            print(key)
            for line in [l for l in block.split("\n") if l.strip()][:30]:
                print("  " + re.sub(r" \(BuildId: [0-9a-f]+\)", "", line))


if __name__ == "__main__":
    main()
