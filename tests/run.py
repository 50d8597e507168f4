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
  stdout           exact expected standard output (see "Exact sections");
                   'stdout crlf': each line of it ends in CR LF (CSV output)
  stderr           exact expected standard error (also 'stderr crlf')
  stdout-file PATH standard output must equal the file tests/data/expected/PATH
  stderr-file PATH standard error must equal the file tests/data/expected/PATH
  outfile-exact NAME [crlf]  file NAME in the temporary directory, exactly
  outfile-file NAME PATH     file NAME must equal tests/data/expected/PATH
  outfile-zip NAME DIR       file NAME is a zip archive (xlsx) whose members, in
                             order, equal the files of tests/data/expected/DIR
                             listed in DIR/MEMBERS, one name a line
  stdout-contains  each non-empty line must appear in standard output
  stdout-lacks     no non-empty line may appear in standard output
  stderr-contains  each non-empty line must appear in standard error
  stdout-empty     standard output must be empty
  stderr-empty     standard error must be empty
  outfile NAME     file NAME in the temporary directory must contain each line
  nofile NAME      file NAME must not exist afterwards
In args, stdin and file contents, %TMP% is the case's temporary directory and
%DATA% is tests/data.

Exact sections are how a case pins behaviour (as curl's tests/data do); the
-contains sections are kept only where output is meant to vary, with a '#'
comment line in the case saying why.  An inline exact section holds the text
up to the next section or case, trailing blank lines dropped, and means that
text plus one newline (nothing at all if the section is empty); output with
trailing blank lines or without a final newline goes in a -file section.
Comparison is of bytes (a case may expect bytes that are not UTF-8), after the
expected text has its placeholders replaced -- the only output that may vary:
  %TMP%       the case's temporary directory     %DATA%   tests/data
  %TODAY%     today's date, 2026-04-01           (hoshi's default --date)
  %TODAY_JA%  today as 2026年4月1日               %TODAY_EN%  today as 1 April 2026
  %NOW%       a UTC time hoshi writes into a zip member, 2026-04-01T09:00:00Z
              (the xlsx creation time): replaced in what hoshi wrote instead
On a mismatch the failure shows a unified diff, expected against got.
A comment on a case goes right after its '=== NAME' line, before the first
section (a line inside a section belongs to it).

  python3 tests/run.py --hoshi build/san/hoshi --cli-only [tests/cli/x.test ...]
runs only the CLI tests.
"""
import argparse, difflib, glob, io, os, re, shlex, subprocess, sys, tempfile, time, zipfile

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

EXPECTED = os.path.join(HERE, "data", "expected")
MONTHS = ("January February March April May June July August September October "
          "November December").split()

def placeholders(tmp):
    """The placeholder table for one case: what each %NAME% stands for."""
    t = time.localtime()     # hoshi's "today" is local time too, in the same environment
    return {"%TMP%": tmp, "%DATA%": os.path.join(HERE, "data"),
            "%TODAY%": f"{t.tm_year:04d}-{t.tm_mon:02d}-{t.tm_mday:02d}",
            "%TODAY_JA%": f"{t.tm_year}年{t.tm_mon}月{t.tm_mday}日",
            "%TODAY_EN%": f"{t.tm_mday} {MONTHS[t.tm_mon - 1]} {t.tm_year}"}

def expand(data, table):
    """Bytes of an expected text with its placeholders replaced."""
    for k, v in table.items():
        data = data.replace(k.encode(), v.encode("utf-8", "surrogateescape"))
    return data

def diff_text(what, expected, got):
    """A unified diff of two byte strings, shown as text (bad bytes escaped)."""
    def show(data):     # a carriage return is shown, not obeyed
        return [l.replace("\r", "\\r") + "\n" for l in
                data.decode("utf-8", "backslashreplace").split("\n")]
    a, b = show(expected), show(got)
    lines = []
    for l in difflib.unified_diff(a, b, f"{what} expected", f"{what} got", n=2):
        lines.append(l)
    text = "".join(lines)
    if not text:
        text = "(same text; bytes differ)\n"
    if len(text) > 6000:
        text = text[:6000] + "... (diff cut at 6000 characters)\n"
    return f"{what} differs:\n{text}"

def zip_problems(fname, data, rel, table):
    """What differs between the zip archive `data` and the expected members in rel."""
    d = os.path.join(EXPECTED, rel)
    try:
        with open(os.path.join(d, "MEMBERS"), encoding="utf-8") as f:
            want = [l for l in f.read().split("\n") if l]
    except OSError:
        return [f"expected tests/data/expected/{rel}/MEMBERS missing"]
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        got = z.namelist()
        if z.testzip() is not None:
            return [f"{fname}: a member fails its CRC"]
    except zipfile.BadZipFile as e:
        return [f"{fname} is not a zip archive: {e}"]
    if got != want:
        return [diff_text(f"{fname} members", "\n".join(want).encode() + b"\n",
                          "\n".join(got).encode() + b"\n")]
    out = []
    for m in want:
        with open(os.path.join(d, m), "rb") as f:
            exp = expand(f.read(), table)
        # the one part that varies: the time the workbook was written
        body = re.sub(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", b"%NOW%", z.read(m))
        if exp != body:
            out.append(diff_text(f"{fname}:{m}", exp, body))
    return out

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
        table = placeholders(tmp)
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
        # the C locale, so no message depends on the machine's language settings
        env = dict(os.environ, XDG_STATE_HOME=tmp, HOME=tmp, LC_ALL="C", LANG="C")
        p = subprocess.run([hoshi] + args, input=stdin.encode("utf-8", "surrogateescape"),
                           capture_output=True, env=env, timeout=60)
        out, err = p.stdout.decode("utf-8", "replace"), p.stderr.decode("utf-8", "replace")
        problems = []
        if p.returncode != status:
            problems.append(f"exit status {p.returncode}, expected {status}")
        if "Sanitizer" in err or "runtime error:" in err:
            problems.append("sanitizer report")

        def inline(body, crlf=False):
            data = body.encode("utf-8", "surrogateescape") + (b"\n" if body else b"")
            return expand(data.replace(b"\n", b"\r\n") if crlf else data, table)

        def from_file(rel):
            fp = os.path.join(EXPECTED, rel)
            if not os.path.exists(fp):
                problems.append(f"expected file tests/data/expected/{rel} missing")
                return None
            with open(fp, "rb") as f:
                return expand(f.read(), table)

        def exact(what, want, got):
            if want is not None and want != got:
                problems.append(diff_text(what, want, got))

        for kind, lines, body in checks:
            word, _, rest = kind.partition(" ")
            rest = rest.strip()
            if word in ("stdout", "stderr") and rest in ("", "crlf"):
                exact(word, inline(body, rest == "crlf"), p.stdout if word == "stdout" else p.stderr)
            elif word == "stdout-file":
                exact("stdout", from_file(rest), p.stdout)
            elif word == "stderr-file":
                exact("stderr", from_file(rest), p.stderr)
            elif word in ("stdout", "stderr"):
                problems.append(f"unknown option in '--- {kind}'")
            elif kind == "stdout-empty" and out:
                problems.append(f"stdout not empty: {out[:200]!r}")
            elif kind == "stderr-empty" and err:
                problems.append(f"stderr not empty: {err[:200]!r}")
            elif kind in ("stdout-contains", "stderr-contains", "stdout-lacks"):
                text = err if kind.startswith("stderr") else out
                for l in lines:
                    l = sub(l)
                    if not l: continue
                    if kind == "stdout-lacks" and l in text:
                        problems.append(f"stdout has {l!r}")
                    elif kind != "stdout-lacks" and l not in text:
                        problems.append(f"{kind.split('-')[0]} lacks {l!r}")
            elif word in ("outfile", "outfile-exact", "outfile-file", "outfile-zip"):
                fname, _, rel = rest.partition(" ")
                fp = os.path.join(tmp, fname)
                if not os.path.exists(fp):
                    problems.append(f"{fname} not written"); continue
                with open(fp, "rb") as f:
                    data = f.read()
                if word == "outfile-exact":
                    exact(fname, inline(body, rel.strip() == "crlf"), data)
                elif word == "outfile-file":
                    exact(fname, from_file(rel.strip()), data)
                elif word == "outfile-zip":
                    problems.extend(zip_problems(fname, data, rel.strip(), table))
                else:
                    text = data.decode("utf-8", "replace")
                    for l in lines:
                        if l and l not in text: problems.append(f"{fname} lacks {l!r}")
            elif word == "nofile":
                fp = os.path.join(tmp, rest)
                left = [f for f in os.listdir(tmp) if f.startswith(rest)]
                if os.path.exists(fp) or left:
                    problems.append(f"{rest} exists (or a temporary of it)")
            elif kind not in ("stdout-empty", "stderr-empty"):
                problems.append(f"unknown section '--- {kind}'")
        if problems and not any(x.startswith("stderr") for x in problems):
            problems.append(f"stderr: {err[:500]}")
        report(not problems, name, "; ".join(problems))

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hoshi", required=True)
    ap.add_argument("--release")
    ap.add_argument("--unit")
    ap.add_argument("--cli-only", nargs="*", metavar="FILE",
                    help="run only the CLI tests (all, or the .test files named)")
    a = ap.parse_args()
    hoshi = os.path.abspath(a.hoshi)
    if a.cli_only is not None:
        files = a.cli_only or sorted(glob.glob(os.path.join(HERE, "cli", "*.test")))
        for f in files:
            for case in parse_cases(f):
                run_cli_case(hoshi, f, case)
        print(f"{passed} passed, {failed} failed")
        return 0 if failed == 0 else 1
    if not a.release or not a.unit:
        ap.error("--release and --unit are needed unless --cli-only")
    env = dict(os.environ, HOSHI=hoshi, HOSHI_RELEASE=os.path.abspath(a.release))
    # The fault-injection tests fail every allocation of every store
    # operation in turn: a minute or so under the sanitizers, several on a
    # loaded machine.  A test over its time is one failure, not the end of
    # the run.
    unit_timeout = 900
    for t in sorted(glob.glob(os.path.join(a.unit, "test_*"))):
        try:
            p = subprocess.run([t], capture_output=True, timeout=unit_timeout, env=env)
        except subprocess.TimeoutExpired as e:
            out = (e.stdout or b"") + (e.stderr or b"")
            report(False, os.path.basename(t),
                   f"timed out after {unit_timeout} s\n{out.decode('utf-8', 'replace')[-3000:]}")
            continue
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
