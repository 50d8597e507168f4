#!/usr/bin/env python3
"""Runs every test of hoshi and ends with the line 'N passed, N failed'.

Kinds of tests, all found by file name:
  build/san/tests/test_*   unit-test programs (lines 'ok NAME' / 'FAIL NAME')
  tests/cli/*.test         data-driven CLI tests (format below)
  tests/pty/*.py           scripts that drive hoshi through a pseudo-terminal;
                           they print 'ok NAME' / 'FAIL NAME' lines too
  tests/suites/*.sh        further suites (e.g. the shared fixtures), same output

CLI test file format: one or more cases, each opened by '=== NAME', with
sections opened by '--- KIND':
  args             the command line after 'hoshi' (shell-like quoting)
  stdin            text fed to standard input
  file NAME        a file created in the case's temporary directory
  status           expected exit status (default 0)
  stdout           exact expected standard output
  stdout-contains  each non-empty line must appear in standard output
  stdout-lacks     no non-empty line may appear in standard output
  stderr-contains  each non-empty line must appear in standard error
  stdout-empty     standard output must be empty
  outfile NAME     file NAME in the temporary directory must contain each line
  nofile NAME      file NAME must not exist afterwards
In args, stdin and file contents, %TMP% is the case's temporary directory and
%DATA% is tests/data.
"""
import argparse, glob, os, re, shlex, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
passed = failed = 0

def report(ok, name, why=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok   {name}")
    else:
        failed += 1
        print(f"FAIL {name}" + (f": {why}" if why else ""))

def count_lines(name, out, rc):
    oks = fails = 0
    for line in out.splitlines():
        m = re.match(r"^(ok|FAIL)\s+(.*)$", line)
        if m:
            report(m.group(1) == "ok", f"{name}: {m.group(2)}")
            if m.group(1) == "ok": oks += 1
            else: fails += 1
        elif line.startswith("  "):
            print(line)
    if rc != 0 and fails == 0:
        report(False, name, f"exit status {rc} (crash or sanitizer report?)\n{out[-3000:]}")
    if oks + fails == 0 and rc == 0:
        report(False, name, "printed no results")

def parse_cases(path):
    cases, cur, kind = [], None, None
    # surrogateescape: a case may hold bytes that are not UTF-8 (bad input)
    for line in open(path, encoding="utf-8", errors="surrogateescape").read().split("\n"):
        if line.startswith("=== "):
            cur = {"name": line[4:].strip(), "sections": []}
            cases.append(cur); kind = None
        elif line.startswith("--- ") and cur is not None:
            kind = [line[4:].strip(), []]
            cur["sections"].append(kind)
        elif kind is not None:
            kind[1].append(line)
    for c in cases:
        for s in c["sections"]:
            while s[1] and s[1][-1] == "":
                s[1].pop()
    return cases

def run_cli_case(hoshi, path, case):
    name = f"{os.path.basename(path)}: {case['name']}"
    with tempfile.TemporaryDirectory() as tmp:
        def sub(t):
            return t.replace("%TMP%", tmp).replace("%DATA%", os.path.join(HERE, "data"))
        args, stdin, status = None, "", 0
        checks = []
        for kind, lines in case["sections"]:
            body = "\n".join(lines)
            if kind == "args": args = shlex.split(sub(body))
            elif kind == "stdin": stdin = sub(body) + ("\n" if body else "")
            elif kind.startswith("file "):
                with open(os.path.join(tmp, kind[5:].strip()), "w", encoding="utf-8",
                          errors="surrogateescape") as f:
                    f.write(sub(body) + ("\n" if body else ""))
            elif kind == "status": status = int(body.strip())
            else: checks.append((kind, lines, body))
        if args is None:
            report(False, name, "no args section"); return
        env = dict(os.environ, XDG_STATE_HOME=tmp, HOME=tmp)
        p = subprocess.run([hoshi] + args, input=stdin.encode(), capture_output=True, env=env, timeout=60)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        problems = []
        if p.returncode != status:
            problems.append(f"exit status {p.returncode}, expected {status}")
        if "Sanitizer" in err or "runtime error:" in err:
            problems.append("sanitizer report")
        for kind, lines, body in checks:
            if kind == "stdout" and out != body + ("\n" if body else ""):
                problems.append(f"stdout differs:\n--- got\n{out}\n--- expected\n{body}")
            elif kind == "stdout-empty" and out:
                problems.append(f"stdout not empty: {out[:200]!r}")
            elif kind in ("stdout-contains", "stderr-contains", "stdout-lacks"):
                text = err if kind.startswith("stderr") else out
                for l in lines:
                    l = sub(l)
                    if not l: continue
                    if kind == "stdout-lacks" and l in text:
                        problems.append(f"stdout has {l!r}")
                    elif kind != "stdout-lacks" and l not in text:
                        problems.append(f"{kind.split('-')[0]} lacks {l!r}")
            elif kind.startswith("outfile "):
                fp = os.path.join(tmp, kind[8:].strip())
                if not os.path.exists(fp):
                    problems.append(f"{kind[8:]} not written"); continue
                text = open(fp, encoding="utf-8", errors="replace").read()
                for l in lines:
                    if l and l not in text: problems.append(f"{kind[8:]} lacks {l!r}")
            elif kind.startswith("nofile "):
                fp = os.path.join(tmp, kind[7:].strip())
                left = [f for f in os.listdir(tmp) if f.startswith(kind[7:].strip())]
                if os.path.exists(fp) or left:
                    problems.append(f"{kind[7:]} exists (or a temporary of it)")
        if problems and ("stdout" not in " ".join(problems)):
            problems.append(f"stderr: {err[:500]}")
        report(not problems, name, "; ".join(problems))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hoshi", required=True)
    ap.add_argument("--release", required=True)
    ap.add_argument("--unit", required=True)
    a = ap.parse_args()
    hoshi = os.path.abspath(a.hoshi)
    env = dict(os.environ, HOSHI=hoshi, HOSHI_RELEASE=os.path.abspath(a.release))
    for t in sorted(glob.glob(os.path.join(a.unit, "test_*"))):
        p = subprocess.run([t], capture_output=True, timeout=600, env=env)
        count_lines(os.path.basename(t), p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace"), p.returncode)
    for f in sorted(glob.glob(os.path.join(HERE, "cli", "*.test"))):
        for case in parse_cases(f):
            run_cli_case(hoshi, f, case)
    for f in sorted(glob.glob(os.path.join(HERE, "pty", "*.py"))):
        p = subprocess.run([sys.executable, f, hoshi], capture_output=True, timeout=600, env=env)
        count_lines(os.path.basename(f), p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace"), p.returncode)
    for f in sorted(glob.glob(os.path.join(HERE, "suites", "*.sh"))):
        p = subprocess.run(["bash", f], capture_output=True, timeout=1800, env=env)
        count_lines(os.path.basename(f), p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace"), p.returncode)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1

if __name__ == "__main__":
    sys.exit(main())
