#!/usr/bin/env bash
# Allocation-failure injection across the command-line paths, as curl's
# torture tests and SQLite's malloc tests do (include/hoshi/testing.h: the
# command reads HOSHI_TESTING_FAIL_ALLOC_AFTER=n).  Each command first runs
# without injection for its reference output, then for n = 0, 1, 2, … until
# it succeeds without reaching the injection, in two modes:
#   failures from n on   allocation n and every later one fail: the run must
#                        exit 1 (not 0, not a signal) saying "out of memory"
#                        (not a size limit), without a sanitizer report and
#                        with no output file (nor a temporary one) left;
#   one failure          only allocation n fails: the same, or exit 0 with
#                        exactly the reference output — a run that lost a
#                        failure and wrote something else swallowed an error
#                        (later allocations succeed, so nothing masks it).
# The command reports how many allocations it made (N).  In the first mode
# the first 200 allocations are failed one by one, then every STRIDE-th,
# then n = N must succeed; the second mode fails every allocation.  The
# commands make a few hundred allocations each, so the suite is a few
# thousand short runs, two at a time.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
export FAULTS_HOSHI=${HOSHI:-$here/build/san/hoshi}
export FAULTS_DATA=$here/tests/data
exec python3 - <<'EOF'
import concurrent.futures, os, re, subprocess, sys, tempfile, zipfile

hoshi = os.path.abspath(os.environ["FAULTS_HOSHI"])
data = os.environ["FAULTS_DATA"]
tab = os.path.join(data, "tab")
EVERY = 200      # allocations failed one by one (persistent mode)
STRIDE = 7       # then every STRIDE-th
WORKERS = 2      # runs at a time

def run(args, env_extra, n, once, cwd):
    env = dict(os.environ, **env_extra)
    env.pop("HOSHI", None)
    env["HOSHI_TESTING_FAIL_ALLOC_AFTER"] = str(n)
    if once:
        env["HOSHI_TESTING_FAIL_ALLOC_ONCE"] = "1"
    else:
        env.pop("HOSHI_TESTING_FAIL_ALLOC_ONCE", None)
    p = subprocess.run([hoshi] + args, capture_output=True, env=env, cwd=cwd, timeout=120)
    return p.returncode, p.stderr.decode("utf-8", "replace")

def contents(path):
    """A file's bytes; for a workbook its parts but the creation time."""
    if path.endswith(".sav"):  # all but the creation date and time of its header
        with open(path, "rb") as f:
            b = f.read()
        return b[:92] + b[109:]
    if path.endswith(".xlsx"):
        with zipfile.ZipFile(path) as z:
            return {m: z.read(m) for m in z.namelist() if m != "docProps/core.xml"}
    with open(path, "rb") as f:
        return f.read()

def outputs(d):
    got = {}
    for f in sorted(os.listdir(d)):
        try:
            got[f] = contents(os.path.join(d, f))
        except Exception as e:  # a damaged workbook
            got[f] = repr(e)
    return got

def sanitizer(err):
    return "Sanitizer" in err or "runtime error:" in err

def one_run(args, env_extra, n, once, ref, inputs_dir):
    """Runs the command with allocation n failing; returns a problem or None."""
    with tempfile.TemporaryDirectory() as d:
        a = [x.format(dir=d, inp=inputs_dir) for x in args]
        rc, err = run(a, env_extra, n, once, d)
        got = outputs(d)
    fired = "injected allocation failure returned" in err
    if sanitizer(err):
        return f"n={n}: sanitizer report:\n{err[-2500:]}"
    if rc < 0:
        return f"n={n}: killed by signal {-rc}"
    if not fired:
        return None if rc == 0 and got == ref else f"n={n}: exit {rc}, no failure injected"
    if rc == 0:
        # a failure may be recovered from only with the very same result
        if not once:
            return f"n={n}: exit 0 although every allocation from n on failed"
        return None if got == ref else f"n={n}: exit 0 with other output: an error was swallowed"
    if rc != 1:
        return f"n={n}: exit {rc}, expected 1: {err.strip()[-300:]}"
    if "out of memory" not in err.lower():
        return f"n={n}: no 'out of memory' message: {err.strip()[-300:]}"
    if got:
        return f"n={n}: failed but left {sorted(got)}"
    return None

def torture(pool, name, args, env_extra=None, inputs=()):
    """args may use {dir}, the run's own directory (outputs), and {inp},
    where the files made by `inputs` are."""
    env_extra = env_extra or {}
    ok = True
    with tempfile.TemporaryDirectory() as inp:
        for src in inputs:
            src(inp)
        with tempfile.TemporaryDirectory() as d:
            a = [x.format(dir=d, inp=inp) for x in args]
            rc, err = run(a, env_extra, 10**9, False, d)  # counts the allocations
            ref = outputs(d)
        m = re.search(r"not reached \((\d+) allocations\)", err)
        if rc != 0 or not ref or sanitizer(err) or m is None:
            print(f"FAIL faults {name}: the command fails without injection (exit {rc}): {err[-500:]}")
            return False
        total = int(m.group(1))
        for once in (False, True):
            ns = list(range(total + 1)) if once else \
                list(range(min(total, EVERY))) + list(range(EVERY, total, STRIDE)) + [total]
            results = pool.map(lambda n: one_run(args, env_extra, n, once, ref, inp), ns)
            problems = [r for r in results if r is not None]
            mode = "one failure" if once else "failures from n on"
            print(f"{'ok  ' if not problems else 'FAIL'} faults {name}, {mode} "
                  f"({len(ns)} runs, {total} allocations)")
            for p in problems[:6]:
                print("  " + p.replace("\n", "\n  "))
            sys.stdout.flush()
            ok = ok and not problems
    return ok

def hsd(d):
    env = dict(os.environ)
    env.pop("HOSHI_TESTING_FAIL_ALLOC_AFTER", None)
    subprocess.run([hoshi, "import", "--codebook", f"{tab}/cb.csv", "--data", f"{tab}/data.csv",
                    "--out", os.path.join(d, "in.hsd")], check=True, env=env)

def sav(d):
    env = dict(os.environ)
    env.pop("HOSHI_TESTING_FAIL_ALLOC_AFTER", None)
    subprocess.run([hoshi, "import", "--codebook", f"{tab}/cb.csv", "--data", f"{tab}/data.csv",
                    "--out", os.path.join(d, "in.sav")], check=True, env=env)

def answers_file(d):
    with open(os.path.join(d, "answers.txt"), "w") as f:
        f.write(answers.replace(",", "\n") + "\n")

def survey_db(d):
    """A registry (tests/data/registry/seed.py) with survey 1 of the
    sample form, three organisations invited and two answers submitted
    through the store (the driver mode of the unit test test_survey_export)."""
    env = dict(os.environ)
    env.pop("HOSHI_TESTING_FAIL_ALLOC_AFTER", None)
    db = os.path.join(d, "db")
    open(db, "w").close()
    run_ok = lambda *a: subprocess.run(list(a), check=True, env=env, capture_output=True).stdout.decode()
    run_ok(hoshi, "survey", "list", "--db", db)
    run_ok(sys.executable, os.path.join(data, "registry", "seed.py"), db)
    run_ok(hoshi, "survey", "create", "--db", db, "--def", f"{data}/forms/sample")
    links = run_ok(hoshi, "survey", "invite", "--db", db, "--survey", "1", "--where", "level=2")
    tokens = [l.rsplit("/s/", 1)[1].strip() for l in links.splitlines()[1:]]
    driver = os.path.join(os.path.dirname(hoshi), "tests", "test_survey_export")
    run_ok(driver, "submit", db, tokens[0], "Q1=1&Q2=1&Q2=3&Q2x=%E3%81%82&Q3=12")
    run_ok(driver, "submit", db, tokens[1], "Q1=2&Q3=3")

def book_file(d):
    """A table book over the small survey: defaults, a filter, a net, a GRID by a side."""
    with open(os.path.join(d, "book.ini"), "w", encoding="utf-8") as f:
        f.write(f"[book]\ntitle = 報告書\ncodebook = {tab}/cb.csv\ndata = {tab}/data.csv\n"
                "side = Q1\n[table a]\nhead = Q2\nwhere = Q1!=3\nnet = Q2:計=1,2\n"
                "[table b]\ntitle = 取組み\nhead = Q5,Q3\nbase = 全員\n")

cb, dat = ["--codebook", f"{tab}/cb.csv"], ["--data", f"{tab}/data.csv"]
answers = "1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1,2,3,4,1"
threads = {"HOSHI_TESTING_THREADS": "1"}
# Every tab format, the option mini-languages, both input encodings, the
# DIAG derived variables, .hsd writing and reading, and the two-thread
# paths (CSV parsing and banners), with as few commands as cover them:
# each command repeats the loading of the data.
cases = [
    ("tab simple csv", ["tab", *cb, *dat, "--head", "Q1", "--out", "{dir}/t.csv"]),
    ("tab cross md and svg chart", ["tab", *cb, *dat, "--side", "Q1", "--head", "Q2,Q3,Q5",
                                    "--format", "md", "--chart", "{dir}/c.svg",
                                    "--out", "{dir}/t.md"]),
    ("tab banner xlsx", ["tab", *cb, *dat, "--side", "Q1", "--head", "ALL", "--format", "xlsx",
                         "--out", "{dir}/t.xlsx"]),
    ("tab html sorted", ["tab", *cb, *dat, "--side", "Q1", "--head", "ALL", "--sort",
                         "--net", "Q2:課題あり=1,2", "--format", "html",
                         "--out", "{dir}/t.html"]),  # the net moves to the front
    ("tab json net recode where bands", ["tab", *cb, *dat, "--side", "Q3", "--bands",
                                         "1~9人=..9;10人以上=10..", "--head", "Q1,Q2",
                                         "--net", "Q2:課題あり=1,2", "--recode",
                                         "Q1:製造・卸小売=1,2", "--where", "Q5_1=1,2", "--sort",
                                         "--format", "json", "--out", "{dir}/t.json"]),
    ("tab cp932 in and out", ["tab", "--codebook", f"{tab}/cb_sjis.csv", "--data",
                              f"{tab}/data_sjis.csv", "--side", "Q1", "--head", "Q2",
                              "--encoding-out", "cp932", "--out", "{dir}/t.csv"]),
    ("tab diag derived", ["tab", "--codebook", f"{tab}/diag_cb.csv", "--data", f"{tab}/diag.csv",
                          "--side", "Q80:band", "--head", "Q80:score,Q80:star1,Q1",
                          "--out", "{dir}/t.csv"]),
    ("tab csv on two threads", ["tab", *cb, *dat, "--side", "Q1", "--head", "ALL",
                                "--out", "{dir}/t.csv"], threads),
    ("tab weighted banner on two threads", ["tab", "--codebook", f"{tab}/w/cb.csv", "--data",
                                            f"{tab}/w/data.csv", "--side", "S", "--head", "ALL",
                                            "--weight", "W", "--out", "{dir}/t.csv"], threads),
    ("tab stats md holm", ["tab", "--codebook", f"{tab}/stats_cb.csv", "--data",
                           f"{tab}/stats.csv", "--side", "S", "--head", "H,M,V", "--stats", "all",
                           "--correction", "holm", "--format", "md", "--out", "{dir}/t.md"]),
    ("tab stats xlsx letters", ["tab", "--codebook", f"{tab}/stats_cb.csv", "--data",
                                f"{tab}/stats.csv", "--side", "S", "--head", "H,M,V", "--stats",
                                "all", "--format", "xlsx", "--out", "{dir}/t.xlsx"]),
    ("import", ["import", *cb, *dat, "--out", "{dir}/o.hsd"]),
    ("tab free answers coded and listed in xlsx", ["tab", "--codebook", f"{tab}/fa/cb.csv",
                                                   "--data", f"{tab}/fa/data.csv", "--coding",
                                                   f"Q10={tab}/fa/codes.csv", "--list", "Q10",
                                                   "--attrs", "Q10C,Q1,Q2,Q3", "--contains", "ウイルス",
                                                   "--format", "xlsx", "--out", "{dir}/l.xlsx"]),
    ("tab free answers coded as a side in md", ["tab", "--codebook", f"{tab}/fa/cb.csv",
                                                "--data", f"{tab}/fa/data.csv", "--coding",
                                                f"Q10={tab}/fa/codes.csv", "--side", "Q10C",
                                                "--head", "Q1,Q10C", "--format", "md",
                                                "--out", "{dir}/t.md"]),
    ("import sav", ["import", *cb, *dat, "--out", "{dir}/o.sav"]),
    ("tab sav banner", ["tab", "--data", "{inp}/in.sav", "--side", "Q1", "--head", "ALL",
                        "--out", "{dir}/t.csv"], None, [sav]),
    ("tab hsd banner on two threads", ["tab", "--data", "{inp}/in.hsd", "--side", "Q5_1",
                                       "--head", "ALL,Q1", "--format", "json",
                                       "--out", "{dir}/t.json"], threads, [hsd]),
    ("diagnose html", ["diagnose", "--answers", answers, "--format", "html", "--org", "星野商店",
                       "--date", "2026-04-01", "--out", "{dir}/r.html"]),
    ("diagnose json", ["diagnose", "--answers", answers, "--format", "json",
                       "--date", "2026-04-01", "--out", "{dir}/r.json"]),
    ("diagnose text en from a file", ["diagnose", "--answers-file", "{inp}/answers.txt",
                                      "--lang", "en", "--date", "2026-04-01",
                                      "--out", "{dir}/r.txt"], None, [answers_file]),
    ("policy html", ["policy", "--org", "星野商店", "--representative", "代表 星野花子",
                     "--date", "2026-04-01", "--contact", "総務部", "--format", "html",
                     "--out", "{dir}/p.html"]),
    ("policy md en", ["policy", "--org", "Hoshino", "--representative", "CEO", "--lang", "en",
                      "--date", "2026-04-01", "--out", "{dir}/p.md"]),
    ("survey codebook of an xlsx", ["survey", "codebook", f"{data}/forms/sample.xlsx",
                                    "--out", "{dir}/cb.csv"]),
    ("survey export cp932", ["survey", "export", "--db", "{inp}/db", "--survey", "1",
                             "--encoding", "cp932", "--out", "{dir}/ex"], None, [survey_db]),
    ("survey codebook of CSV sheets in en", ["survey", "codebook", f"{data}/forms/sample",
                                             "--lang", "en", "--out", "{dir}/cb.csv"]),
    ("book run to every output", ["book", "run", "{inp}/book.ini", "--csv-dir", "{dir}",
                                  "--html", "{dir}/r.html", "--xlsx", "{dir}/r.xlsx"],
     None, [book_file]),
    ("book init of a form", ["book", "init", "--form", f"{data}/forms/sample.xlsx",
                             "--out", "{dir}/b.ini"]),
]
ok = True
with concurrent.futures.ThreadPoolExecutor(WORKERS) as pool:
    for c in cases:
        name, args = c[0], c[1]
        if os.environ.get("FAULTS_ONLY", "") not in name:  # FAULTS_ONLY=xlsx: matching cases
            continue
        env_extra = c[2] if len(c) > 2 and c[2] else {}
        inputs = c[3] if len(c) > 3 else ()
        ok = torture(pool, name, args, env_extra, inputs) and ok
sys.exit(0 if ok else 1)
EOF
