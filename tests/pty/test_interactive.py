#!/usr/bin/env python3
"""Drives the interactive `hoshi diagnose` through a pseudo-terminal, the way
a person at a terminal would: answering, going back, asking for help,
mistyping, quitting in the middle, resuming, declining to resume, and
finishing with the report.  Prints 'ok NAME' / 'FAIL NAME' lines.

usage: test_interactive.py PATH/TO/hoshi
"""
import os, pty, re, select, sys, tempfile, time

HOSHI = os.path.abspath(sys.argv[1])
results = []

class Term:
    def __init__(self, args, env):
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.execve(HOSHI, [HOSHI] + args, env)
        self.buf = b""

    def expect(self, text, timeout=20):
        """Waits until `text` appears after the last match; returns what came before it."""
        needle = text.encode()
        end = time.time() + timeout
        while needle not in self.buf:
            left = end - time.time()
            if left <= 0:
                raise AssertionError(f"timed out waiting for {text!r}; got:\n{self.buf.decode('utf-8', 'replace')[-1500:]}")
            r, _, _ = select.select([self.fd], [], [], left)
            if r:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:
                    chunk = b""
                if not chunk:
                    if needle in self.buf:
                        break
                    raise AssertionError(f"program ended before {text!r}; got:\n{self.buf.decode('utf-8', 'replace')[-1500:]}")
                self.buf += chunk
        i = self.buf.index(needle)
        before, self.buf = self.buf[:i], self.buf[i + len(needle):]
        return before.decode("utf-8", "replace")

    def send(self, line):
        os.write(self.fd, (line + "\n").encode())

    def wait(self):
        # drain until EOF so the child can exit
        while True:
            try:
                r, _, _ = select.select([self.fd], [], [], 20)
                if not r:
                    break
                chunk = os.read(self.fd, 65536)
                if not chunk:
                    break
                self.buf += chunk
            except OSError:
                break
        _, status = os.waitpid(self.pid, 0)
        return os.waitstatus_to_exitcode(status)

def case(name):
    def deco(fn):
        try:
            fn()
            results.append(("ok", name, ""))
        except AssertionError as e:
            results.append(("FAIL", name, str(e)))
        return fn
    return deco

tmp = tempfile.mkdtemp()
state = os.path.join(tmp, "state", "diagnose.state")
env = dict(os.environ, HOME=tmp, XDG_STATE_HOME=tmp, LANG="C.UTF-8")
args = ["diagnose", "--state", state, "--date", "2026-04-01"]

@case("answer, go back, change, quit keeps the answers")
def _():
    t = Term(args, env)
    t.expect("[1/25]")
    t.expect("> ")
    t.send("1")
    t.expect("[2/25]")
    t.expect("> ")
    t.send("2")
    t.expect("[3/25]")
    t.expect("> ")
    t.send("b")
    t.expect("[2/25]")
    t.expect("現在の回答: 一部実施している")
    t.expect("> ")
    t.send("3")
    t.expect("[3/25]")
    t.expect("> ")
    t.send("q")
    t.expect("回答を保存して中断しました")
    rc = t.wait()
    assert rc == 0, f"exit status {rc}"
    saved = open(state).read()
    assert "answers=1,3,0,0" in saved, saved
    assert "position=2" in saved, saved

@case("resume: continue from item 3, help, a mistyped key, full-width digits, finish")
def _():
    t = Term(args, env)
    t.expect("2/25 項目まで")
    t.expect("[Y/n]")
    t.expect("> ")
    t.send("")
    t.expect("前回の続きから再開します")
    t.expect("[3/25]")
    t.expect("> ")
    t.send("?")
    t.expect("なぜ大切か")
    t.expect("やり方")
    t.expect("> ")
    t.send("9")
    t.expect("「9」は選べません")
    t.expect("> ")
    t.send("１")   # what a Japanese input method types
    for i in range(4, 26):
        t.expect(f"[{i}/25]")
        t.expect("> ")
        t.send("1")
    t.expect("25項目すべてに回答しました")
    t.expect("得点: 96 点 / 100")
    t.expect("評価: 70~99点")
    rc = t.wait()
    assert rc == 0, f"exit status {rc}"
    assert not os.path.exists(state), "saved progress should be removed once finished"

@case("decline to resume: starts again from item 1")
def _():
    t = Term(args, env)
    t.expect("[1/25]")
    t.expect("> ")
    t.send("4")
    t.expect("[2/25]")
    t.expect("> ")
    t.send("q")
    t.expect("回答を保存して中断しました")
    assert t.wait() == 0
    t = Term(args, env)
    t.expect("[Y/n]")
    t.expect("> ")
    t.send("n")
    t.expect("最初からやり直します")
    t.expect("[1/25]")
    out = t.expect("> ")
    assert "現在の回答" not in out, "a fresh start must not show the old answer"
    t.send("2")
    t.expect("[2/25]")
    t.expect("> ")
    t.send("q")
    t.expect("回答を保存して中断しました")
    assert t.wait() == 0
    assert "answers=2,0" in open(state).read()

@case("end of input (Ctrl-D) saves progress like q")
def _():
    t = Term(args + ["--lang", "en"], env)
    t.expect("[Y/n]")
    t.expect("> ")
    t.send("y")
    t.expect("Continuing where you left off")
    t.expect("[2/25]")
    t.expect("> ")
    t.send("3")
    t.expect("[3/25]")
    t.expect("> ")
    os.write(t.fd, b"\x04")
    t.expect("Your answers are saved")
    assert t.wait() == 0
    assert "answers=2,3,0" in open(state).read()

@case("quitting before any answer leaves nothing to resume")
def _():
    os.unlink(state)
    t = Term(args, env)
    t.expect("[1/25]")
    t.expect("> ")
    t.send("q")
    t.expect("回答を保存して中断しました")
    assert t.wait() == 0
    assert not os.path.exists(state)

@case("damaged saved progress is reported and ignored")
def _():
    with open(state, "w") as f:
        f.write("hoshi-diagnose-state 1\nposition=99\nanswers=1,2\n")
    t = Term(args, env)
    t.expect("ignoring damaged saved progress")
    t.expect("[1/25]")
    t.expect("> ")
    t.send("q")
    assert t.wait() == 0

@case("html report of an interactive check goes to --out, prompts stay on the terminal")
def _():
    if os.path.exists(state):
        os.unlink(state)
    out = os.path.join(tmp, "report.html")
    t = Term(args + ["--format", "html", "--out", out], env)
    for i in range(1, 26):
        t.expect(f"[{i}/25]")
        t.expect("> ")
        t.send("3" if i == 25 else "1")
    assert t.wait() == 0
    page = open(out, encoding="utf-8").read()
    assert '<span class="value">96</span>' in page, page[:500]
    assert "[1/25]" not in page

for status, name, why in results:
    print(f"{status} {name}")
    if why:
        print("  " + why.replace("\n", "\n  "))
sys.exit(0 if all(r[0] == "ok" for r in results) else 1)
