#!/usr/bin/env bash
# Randomized differential test: hoshi tab against an independent computation
# with pandas (Debian python3-pandas through /usr/bin/python3) on generated
# surveys: random codes, blanks, MA sides and heads, filters, NUM statistics,
# CRLF/BOM/quoting variations.  Prints ok/FAIL lines; seed from TAB_SEED,
# rounds from TAB_ROUNDS (25).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
py=/usr/bin/python3
if ! $py -c 'import pandas' 2>/dev/null; then
  echo "FAIL differential: pandas missing (make deps installs python3-pandas)"; exit 1
fi
exec $py - "$bin" "${TAB_SEED:-$RANDOM}" "${TAB_ROUNDS:-25}" <<'PY'
import csv, io, math, os, random, subprocess, sys, tempfile
import pandas as pd

hoshi, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)

def pct(c, n):
    if n == 0:
        return ""   # a row with no base has no percentage (an empty cell)
    p = (2000 * c + n) // (2 * n)
    return f"{p // 10}.{p % 10}"

def gen(tmp):
    nq = {"S": rng.randint(1, 7), "H": rng.randint(1, 12), "M": rng.randint(1, 8)}
    cb = ["qid,type,code,label", "S,SA,,side", "H,SA,,head", "M,MA,,multi", "V,NUM,,value", "T,FA,,text"]
    codes = {}
    for q in ("S", "H", "M"):
        cs = sorted(rng.sample(range(1, 40), nq[q]))
        codes[q] = cs
        for c in cs:
            lab = rng.choice([f"{q}{c}", f"「{q}」{c}", f"\"{q},{c}\"", f"ラベル{c}"])
            if '"' in lab:
                lab = '"' + lab.replace('"', '""') + '"'
            cb.insert(next(i for i, l in enumerate(cb) if l.startswith(q + ",")) + 1 + cs.index(c), f"{q},{'MA' if q == 'M' else 'SA'},{c},{lab}")
    n = rng.choice([0, 1, 2, 17, 100, 1000, rng.randint(1, 5000)])
    pblank = rng.choice([0.0, 0.02, 0.3, 1.0])
    rows = []
    for i in range(n):
        s = "" if rng.random() < pblank else str(rng.choice(codes["S"]))
        h = "" if rng.random() < pblank else str(rng.choice(codes["H"]))
        m = [rng.choice(["0", "1", "", "1"]) if rng.random() > pblank else rng.choice(["", "0"]) for _ in codes["M"]]
        v = "" if rng.random() < pblank else rng.choice([str(rng.randint(-5, 100)), f"{rng.uniform(0, 1e4):.3f}", "1e3"])
        t = rng.choice(["", "x", '"a,b"', '"line\nbreak"', '"say ""hi"""', "日本語の回答", '"改行\nあり"'])
        rows.append([str(i), s, h] + m + [v, t])
    header = ["id", "S", "H"] + [f"M_{c}" for c in codes["M"]] + ["V", "T"]
    # shuffle column order (except id first)
    order = [0] + rng.sample(range(1, len(header)), len(header) - 1)
    nl = rng.choice(["\n", "\r\n"])
    text = nl.join(",".join(r[j] for j in order) for r in [header] + rows) + rng.choice(["", nl])
    enc = rng.choice(["utf-8", "utf-8", "cp932"])
    if enc == "utf-8" and rng.random() < 0.3:
        text = "\ufeff" + text
    open(os.path.join(tmp, "cb.csv"), "w", encoding=rng.choice(["utf-8", "cp932"]), newline="").write("\n".join(cb) + "\n")
    open(os.path.join(tmp, "d.csv"), "w", encoding=enc, newline="").write(text)
    df = pd.DataFrame([[r[1], r[2]] + r[3:3 + len(codes["M"])] + [r[-2]] for r in rows],
                      columns=["S", "H"] + [f"M_{c}" for c in codes["M"]] + ["V"], dtype=object)
    return codes, df

def expected(codes, df, side, head, where):
    keep = pd.Series(True, index=df.index)
    if where:
        var, neg, vals = where
        if var == "M":
            m = pd.Series(False, index=df.index)
            for v in vals:
                m |= df[f"M_{v}"] == "1"
        else:
            m = df[var].isin([str(v) for v in vals])
        keep = ~m if neg else m
    d = df[keep]
    if side is None:
        groups = [("全体", d)]
    elif side == "S":
        groups = [("全体", d)] + [(str(c), d[d["S"] == str(c)]) for c in codes["S"]]
    else:
        groups = [("全体", d)] + [(str(c), d[d[f"M_{c}"] == "1"]) for c in codes["M"]]
    out = []
    if head == "V":
        for _, g in groups:
            vals = pd.to_numeric(g["V"].replace("", None).dropna()).astype(float)
            out.append([len(vals)] + ([vals.mean(), vals.median(), vals.min(), vals.max()] if len(vals) else [None] * 4))
        return out
    hc = list(codes[head])
    if where and where[0] == head and where[1]:
        hc = [c for c in hc if c not in where[2]]
    anyblank = False
    rows = []
    for _, g in groups:
        n = len(g)
        if head == "H":
            cnt = [int((g["H"] == str(c)).sum()) for c in hc]
            blank = int((g["H"] == "").sum())
        else:
            cnt = [int((g[f"M_{c}"] == "1").sum()) for c in hc]
            chosen = pd.Series(False, index=g.index)
            for c in codes["M"]:
                chosen |= g[f"M_{c}"] == "1"
            blank = int((~chosen).sum())
        rows.append((n, cnt, blank))
    anyblank = rows[0][2] > 0
    return [[n] + [pct(c, n) for c in cnt] + ([pct(b, n)] if anyblank else []) for n, cnt, b in rows]

fails = 0
for r in range(rounds):
    with tempfile.TemporaryDirectory() as tmp:
        codes, df = gen(tmp)
        side = rng.choice([None, "S", "M"])
        head = rng.choice(["H", "M", "V"])
        where = None
        if rng.random() < 0.5:
            var = rng.choice(["H", "M", "S"])
            where = (var, rng.random() < 0.5, rng.sample(codes[var], rng.randint(1, len(codes[var]))))
        args = [hoshi, "tab", "--codebook", f"{tmp}/cb.csv", "--data", f"{tmp}/d.csv", "--head", head]
        if side:
            args += ["--side", side]
        if where:
            args += ["--where", f"{where[0]}{'!=' if where[1] else '='}{','.join(map(str, where[2]))}"]
        p = subprocess.run(args, capture_output=True)
        name = f"differential round {r} (seed {seed}): {' '.join(args[6:])}"
        if p.returncode != 0:
            print(f"FAIL {name}: exit {p.returncode}: {p.stderr.decode()[:300]}"); fails += 1; continue
        got = list(csv.reader(io.StringIO(p.stdout.decode("utf-8"))))
        exp = expected(codes, df, side, head, where)
        bad = None
        if len(got) - 1 != len(exp):
            bad = f"{len(got) - 1} rows, expected {len(exp)}"
        else:
            for gr, er in zip(got[1:], exp):
                if head == "V":
                    if int(gr[1]) != er[0]:
                        bad = f"N {gr[1]} != {er[0]}"
                    for k in range(4):
                        if er[0] and abs(float(gr[2 + k]) - er[1 + k]) > 0.051:
                            bad = f"stat {k}: {gr[2 + k]} != {er[1 + k]}"
                elif [gr[1]] + gr[2:] != [str(er[0])] + er[1:]:
                    bad = f"row {gr} != {er}"
                if bad:
                    break
        if not bad:
            # the .hsd cache gives the same bytes
            q = subprocess.run([hoshi, "import", "--codebook", f"{tmp}/cb.csv", "--data", f"{tmp}/d.csv",
                                "--out", f"{tmp}/s.hsd"], capture_output=True)
            c = subprocess.run([hoshi, "tab", "--data", f"{tmp}/s.hsd"] + args[6:], capture_output=True)
            if q.returncode != 0 or c.returncode != 0 or c.stdout != p.stdout:
                bad = f"cache differs: {q.stderr.decode()[:200]} {c.stderr.decode()[:200]}"
        if bad:
            print(f"FAIL {name}: {bad}"); fails += 1
        else:
            print(f"ok   {name}")
sys.exit(1 if fails else 0)
PY
