#!/usr/bin/env bash
# Randomized differential test of banners (issue 10, part 3): hoshi tab with
# several sides stacked, nested OUTER/INNER sides and the cell kinds
# count, row % and column %, against an independent computation with pandas
# (Debian python3-pandas) on generated surveys with SA and MA sides and
# heads, blanks and filters.  Every line of the csv is compared exactly:
# block, label, kind, N and each cell (percentages half up, one decimal).
# Prints ok/FAIL lines; seed from TAB_SEED, rounds from TAB_ROUNDS (25).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
py=/usr/bin/python3
if ! $py -c 'import pandas' 2>/dev/null; then
  echo "FAIL banner differential: pandas missing (make deps installs python3-pandas)"; exit 1
fi
exec $py - "$bin" "${TAB_SEED:-$RANDOM}" "${TAB_ROUNDS:-25}" <<'PY'
import csv, io, itertools, os, random, subprocess, sys, tempfile
import pandas as pd

hoshi, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
TITLES = {"S": "規模", "T": "業種", "M": "課題", "H": "満足", "K": "理由"}
MA = {"M", "K"}

def pct(c, n):
    p = 0 if n == 0 else (2000 * c + n) // (2 * n)
    return f"{p // 10}.{p % 10}"

def gen(tmp):
    codes = {q: sorted(rng.sample(range(1, 30), rng.randint(1, 6))) for q in TITLES}
    cb = ["qid,type,code,label"]
    for q, cs in codes.items():
        t = "MA" if q in MA else "SA"
        cb.append(f"{q},{t},,{TITLES[q]}")
        cb += [f"{q},{t},{c},\"{q}{c},ラベル\"" for c in cs]
    n = rng.choice([0, 1, 5, 40, 300, rng.randint(1, 2000)])
    pblank = rng.choice([0.0, 0.05, 0.3])
    header = ["id"] + [x for q in TITLES for x in ([f"{q}_{c}" for c in codes[q]] if q in MA else [q])]
    rows = []
    for i in range(n):
        r = [str(i)]
        for q in TITLES:
            if q in MA:
                r += ["" if rng.random() < pblank else rng.choice(["0", "1", "1"]) for _ in codes[q]]
            else:
                r.append("" if rng.random() < pblank else str(rng.choice(codes[q])))
        rows.append(r)
    open(os.path.join(tmp, "cb.csv"), "w", encoding="utf-8").write("\n".join(cb) + "\n")
    open(os.path.join(tmp, "d.csv"), "w", encoding="utf-8").write(
        "\n".join(",".join(r) for r in [header] + rows) + "\n")
    return codes, pd.DataFrame(rows, columns=header, dtype=object)

def cats(codes, df, q):
    """[(label, mask)] of the categories of q."""
    if q in MA:
        return [(f"{q}{c},ラベル", df[f"{q}_{c}"] == "1") for c in codes[q]]
    return [(f"{q}{c},ラベル", df[q] == str(c)) for c in codes[q]]

def expected(codes, df, entries, head, cells, where):
    keep = pd.Series(True, index=df.index)
    if where is not None:
        keep = df["S"].isin([str(c) for c in where])
    total = ("", "全体", keep)
    blocks = []
    for e in entries:
        if "/" in e:
            o, i = e.split("/")
            for ol, om in cats(codes, df, o):
                blocks.append((f"{ol} / {i} {TITLES[i]}",
                               [(f"{ol} / {il}", keep & om & im) for il, im in cats(codes, df, i)]))
        else:
            blocks.append((f"{e} {TITLES[e]}", [(l, keep & m) for l, m in cats(codes, df, e)]))
    hc = cats(codes, df, head)
    if head in MA:
        blank = pd.Series(True, index=df.index)
        for _, m in hc:
            blank &= ~m
    else:
        blank = df[head] == ""
    cols = [m for _, m in hc]
    if int((keep & blank).sum()) > 0:
        cols.append(blank)
    def counts(mask):
        return [int((mask & c).sum()) for c in cols]
    out = []
    def section(side, rows, union):
        cb = counts(union)
        if "col" in cells:
            out.append([side, "", "base", str(int(union.sum()))] + [str(x) for x in cb])
        for label, mask in rows:
            n, cnt = int(mask.sum()), counts(mask)
            for k in cells:
                vals = {"count": [str(x) for x in cnt], "row": [pct(x, n) if n else "" for x in cnt],
                        "col": [pct(x, b) for x, b in zip(cnt, cb)]}[k]
                out.append([side, label, k, str(n)] + vals)
    section("", [(total[1], keep)], keep)
    for label, rows in blocks:
        union = pd.Series(False, index=df.index)
        for _, m in rows:
            union |= m
        section(label, rows, union)
    return out

fails = 0
sides = ["S", "T", "M"]
nests = [f"{a}/{b}" for a in sides for b in sides if a != b]
kinds = [list(p) for r in (1, 2, 3) for c in itertools.combinations(["count", "row", "col"], r)
         for p in itertools.permutations(c)]
for r in range(rounds):
    with tempfile.TemporaryDirectory() as tmp:
        codes, df = gen(tmp)
        entries = rng.sample(sides + nests, rng.randint(1, 3))
        if len(entries) == 1 and "/" not in entries[0]:
            entries.append(rng.choice(nests))
        head = rng.choice(["H", "K"])
        cells = rng.choice(kinds)
        where = rng.sample(codes["S"], rng.randint(1, len(codes["S"]))) if rng.random() < 0.3 else None
        args = [hoshi, "tab", "--codebook", f"{tmp}/cb.csv", "--data", f"{tmp}/d.csv", "--head", head,
                "--cells", ",".join(cells)]
        for e in entries:
            args += ["--side", e]
        if where is not None:
            args += ["--where", "S=" + ",".join(map(str, where))]
        p = subprocess.run(args, capture_output=True)
        name = f"banner differential round {r} (seed {seed}): {' '.join(args[6:])}"
        if p.returncode != 0:
            print(f"FAIL {name}: exit {p.returncode}: {p.stderr.decode()[:300]}"); fails += 1; continue
        got = list(csv.reader(io.StringIO(p.stdout.decode("utf-8"))))
        exp = expected(codes, df, entries, head, cells, where)
        bad = None
        if got[0][:4] != ["side", "", "cell", "N"]:
            bad = f"header {got[0]}"
        elif len(got) - 1 != len(exp):
            bad = f"{len(got) - 1} lines, expected {len(exp)}"
        else:
            for g, e in zip(got[1:], exp):
                if g != e:
                    bad = f"line {g} != {e}"
                    break
        if bad:
            print(f"FAIL {name}: {bad}"); fails += 1
        else:
            print(f"ok   {name}")
sys.exit(1 if fails else 0)
PY
