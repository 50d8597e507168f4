#!/usr/bin/env bash
# Differential test of weighting against R's survey package (Debian
# r-cran-survey): generated surveys are raked by `hoshi tab --rake` (with
# and without --weight-cap) and by survey::rake() (caps: the same rake and
# trim rounds around rake(), see docs/tab.md), every saved weight compared
# to 1e-6 relative; the weighted tables (json: weighted counts, bases,
# effective bases, NUM mean and sd) compared with xtabs(w ~ …), svymean and
# svyvar; csv percentages checked against the R counts rounded half up.
# Prints ok/FAIL lines; seed from TAB_SEED, rounds from TAB_ROUNDS (6).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
if ! Rscript -e 'suppressMessages(library(survey))' >/dev/null 2>&1; then
  echo "FAIL r-weights: R survey missing (make deps installs r-cran-survey)"; exit 1
fi
exec /usr/bin/python3 - "$bin" "${TAB_SEED:-$RANDOM}" "${TAB_ROUNDS:-6}" <<'PY'
import csv, json, math, os, random, subprocess, sys, tempfile

hoshi, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)
failed = 0

def check(ok, what):
    global failed
    print(("ok   " if ok else "FAIL ") + f"r-weights (seed {seed}): {what}")
    failed += not ok

def close(a, b, rel=1e-6):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300) + 1e-12

R_SCRIPT = r'''
suppressMessages(library(survey))
args <- commandArgs(TRUE)
for (dir in args) {
  d <- read.csv(file.path(dir, "data.csv"))
  tg <- read.csv(file.path(dir, "targets.csv"))
  cap <- scan(file.path(dir, "cap.txt"), quiet = TRUE)
  n <- nrow(d)
  vars <- unique(tg$variable)
  for (v in vars) d[[v]] <- factor(d[[v]])
  sm <- lapply(vars, function(v) as.formula(paste("~", v)))
  pm <- lapply(vars, function(v) {
    t <- tg[tg$variable == v, ]
    df <- data.frame(factor(t$code, levels = levels(d[[v]])), t$target * n)
    names(df) <- c(v, "Freq")
    df
  })
  w <- rep(1, n)
  repeat {
    d$w0 <- w
    des <- svydesign(ids = ~1, weights = ~w0, data = d)
    des <- rake(des, sm, pm, control = list(maxit = 5000, epsilon = 1e-13, verbose = FALSE))
    w <- weights(des)
    if (cap[2] == 0) break
    m <- mean(w)
    lo <- cap[1] * m; hi <- cap[2] * m
    out <- w < lo * (1 - 1e-4) | w > hi * (1 + 1e-4)
    if (!any(out)) break
    w <- pmin(pmax(w, lo), hi)
  }
  d$w <- w
  write.csv(data.frame(id = d$id, weight = sprintf("%.17g", w)), file.path(dir, "r_weights.csv"), row.names = FALSE)
  des <- svydesign(ids = ~1, weights = ~w, data = d)
  tab <- as.data.frame(xtabs(w ~ S + H, data = transform(d, S = factor(S), H = factor(H))))
  write.csv(tab, file.path(dir, "r_xtabs.csv"), row.names = FALSE)
  dv <- subset(des, !is.na(V))
  res <- c(mean = unname(coef(svymean(~V, dv))), var = unname(coef(svyvar(~V, dv))),
           ma1 = sum(d$w * d$M_1), wtot = sum(d$w), ess = sum(d$w)^2 / sum(d$w^2))
  writeLines(sprintf("%s %.17g", names(res), res), file.path(dir, "r_stats.txt"))
}
'''

def shares(col, k):
    """targets near the sample's shares (raking moves weights, caps may bind)"""
    xs = [col.count(c) * rng.uniform(0.6, 1.6) for c in range(1, k + 1)]
    t = [round(x / sum(xs), 4) for x in xs]
    t[-1] = round(1 - sum(t[:-1]), 4)
    return t

dirs = []
tmp = tempfile.mkdtemp(prefix="rweights")
cases = []
for rd in range(rounds):
    dir_ = os.path.join(tmp, str(rd))
    os.mkdir(dir_)
    n = rng.choice([40, 300, 2000, rng.randint(50, 5000)])
    ka, kb, ks, kh = rng.randint(2, 6), rng.randint(2, 5), rng.randint(2, 4), rng.randint(2, 5)
    cb = ["qid,type,code,label"]
    for q, k in (("A", ka), ("B", kb), ("S", ks), ("H", kh)):
        cb.append(f"{q},SA,,{q}")
        cb += [f"{q},SA,{c},{q}{c}" for c in range(1, k + 1)]
    cb += ["M,MA,,multi", "M,MA,1,m1", "M,MA,2,m2", "V,NUM,,value"]
    rows = []
    for i in range(n):
        a = i % ka + 1 if i < ka else rng.choices(range(1, ka + 1), weights=range(1, ka + 1))[0]
        b = i % kb + 1 if i < kb else rng.randint(1, kb)
        v = "" if rng.random() < 0.1 else str(rng.randint(0, 100) + (a - 1) * 10)
        rows.append([f"r{i}", a, b, rng.randint(1, ks), rng.choice([rng.randint(1, kh), b if b <= kh else 1]),
                     int(rng.random() < 0.3 + 0.1 * a), int(rng.random() < 0.5), v])
    with open(os.path.join(dir_, "codebook.csv"), "w") as f:
        f.write("\n".join(cb) + "\n")
    with open(os.path.join(dir_, "data.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "A", "B", "S", "H", "M_1", "M_2", "V"])
        w.writerows(rows)
    tg = ["variable,code,target"]
    tg += [f"A,{c},{t}" for c, t in enumerate(shares([r[1] for r in rows], ka), 1)]
    tg += [f"B,{c},{t}" for c, t in enumerate(shares([r[2] for r in rows], kb), 1)]
    with open(os.path.join(dir_, "targets.csv"), "w") as f:
        f.write("\n".join(tg) + "\n")
    cap = (0.3, 3.0) if rd % 2 else (0, 0)
    with open(os.path.join(dir_, "cap.txt"), "w") as f:
        f.write(f"{cap[0]} {cap[1]}\n")
    args = [hoshi, "tab", "--codebook", os.path.join(dir_, "codebook.csv"), "--data", os.path.join(dir_, "data.csv"),
            "--side", "S", "--head", "H,M,V", "--rake", os.path.join(dir_, "targets.csv"),
            "--save-weights", os.path.join(dir_, "h_weights.csv"), "--rake-report", os.path.join(dir_, "report.txt")]
    if cap[1]:
        args += ["--weight-cap", f"{cap[0]}..{cap[1]}"]
    pj = subprocess.run(args + ["--format", "json"], capture_output=True)
    pc = subprocess.run(args + ["--format", "csv"], capture_output=True)
    ok = pj.returncode == 0 and pc.returncode == 0
    check(ok, f"round {rd}: n={n}, rake A({ka})×B({kb}), caps {cap}: hoshi ran" + ("" if ok else ": " + pj.stderr.decode() + pc.stderr.decode()))
    if ok:
        cases.append((rd, dir_, n, cap, json.loads(pj.stdout), pc.stdout.decode()))
        dirs.append(dir_)

rpath = os.path.join(tmp, "rake.R")
with open(rpath, "w") as f:
    f.write(R_SCRIPT)
r = subprocess.run(["Rscript", rpath] + dirs, capture_output=True)
check(r.returncode == 0, "R survey::rake ran" + ("" if r.returncode == 0 else ": " + r.stderr.decode()[-800:]))
if r.returncode != 0:
    sys.exit(1)

def pct10(x, n):
    return math.floor(1000.0 * x / n + 0.5 + 1e-9) if n > 0 and x > 0 else 0

for rd, dir_, n, cap, js, csvtext in cases:
    with open(os.path.join(dir_, "h_weights.csv")) as f:
        hw = {row["id"]: float(row["weight"]) for row in csv.DictReader(f)}
    with open(os.path.join(dir_, "r_weights.csv")) as f:
        rw = {row["id"]: float(row["weight"]) for row in csv.DictReader(f)}
    bad = [k for k in rw if k not in hw or not close(hw[k], rw[k])]
    check(len(hw) == n and not bad, f"round {rd}: all {n} weights equal R's to 1e-6" +
          ("" if not bad else f": {bad[0]} hoshi {hw.get(bad[0])} R {rw[bad[0]]}"))
    if cap[1]:
        check(all(cap[0] * (1 - 2e-4) <= x <= cap[1] * (1 + 2e-4) for x in hw.values()),
              f"round {rd}: weights within the caps {cap}")
    with open(os.path.join(dir_, "r_xtabs.csv")) as f:
        xt = {(int(row["S"]), int(row["H"])): float(row["Freq"]) for row in csv.DictReader(f)}
    tH = js["tables"][0]
    labels = [c["label"] for c in tH["columns"]]
    ok, why = True, ""
    for ri, row in enumerate(tH["rows"]):
        for ci, lab in enumerate(labels):
            if lab.startswith("H"):
                h = int(lab[1:])
                want = sum(v for (s, hh), v in xt.items() if hh == h and (ri == 0 or s == ri))
                if not close(row["weighted_counts"][ci], want):
                    ok, why = False, f"row {ri} {lab}: {row['weighted_counts'][ci]} vs {want}"
    check(ok, f"round {rd}: weighted S×H counts equal xtabs(w~S+H)" + (": " + why if why else ""))
    stats = dict(l.split() for l in open(os.path.join(dir_, "r_stats.txt")))
    stats = {k: float(v) for k, v in stats.items()}
    total = tH["rows"][0]
    check(close(total["weighted_n"], stats["wtot"]) and close(total["effective_n"], stats["ess"]),
          f"round {rd}: weighted and effective base of the total row")
    tM = js["tables"][1]
    check(close(tM["rows"][0]["weighted_counts"][0], stats["ma1"]), f"round {rd}: weighted MA count")
    tV = js["tables"][2]
    st = tV["rows"][0]["stats"]
    check(close(st[1], stats["mean"]) and close(st[5], math.sqrt(stats["var"])),
          f"round {rd}: weighted mean {st[1]} and sd {st[5]} equal svymean {stats['mean']} and sqrt(svyvar) {math.sqrt(stats['var'])}")
    # significance: the z-test of each side row against the rest with the
    # effective bases (Kish) of both, recomputed from R's weights
    data = list(csv.DictReader(open(os.path.join(dir_, "data.csv"))))
    ok, why, tested = True, "", 0
    for ri in range(1, len(tH["rows"])):
        for ci, lab in enumerate(labels):
            if not lab.startswith("H"):
                continue
            h = lab[1:]
            def sums(sel):
                ws = [rw[d["id"]] for d in data if sel(d)]
                return sum(ws), sum(x * x for x in ws)
            n1, q1 = sums(lambda d: d["S"] == str(ri))
            n2, q2 = sums(lambda d: d["S"] != str(ri))
            x1, _ = sums(lambda d: d["S"] == str(ri) and d["H"] == h)
            x2, _ = sums(lambda d: d["S"] != str(ri) and d["H"] == h)
            if n1 <= 0 or n2 <= 0:
                continue
            p = (x1 + x2) / (n1 + n2)
            se = math.sqrt(p * (1 - p) * (q1 / n1 ** 2 + q2 / n2 ** 2))
            if se <= 0:
                continue
            z = (x1 / n1 - x2 / n2) / se
            if min(abs(abs(z) - 1.959963984540), abs(abs(z) - 2.5758293035489)) < 1e-6:
                continue
            m = 2 if abs(z) >= 2.5758293035489 else 1 if abs(z) >= 1.959963984540 else 0
            want = -m if z < 0 else m
            tested += 1
            if tH["rows"][ri]["sig"][ci] != want:
                ok, why = False, f"row {ri} {lab}: z={z:.4f} want {want} got {tH['rows'][ri]['sig'][ci]}"
    check(ok, f"round {rd}: z-tests with effective bases ({tested} cells)" + (": " + why if why else ""))
    # csv: the first table's total row, percentages from R's counts rounded half up
    lines = csvtext.split("\r\n")
    head, tot = lines[1].split(","), lines[2].split(",")
    wt = stats["wtot"]
    want = [str(math.floor(wt + 0.5))]
    for lab in head[2:]:
        x = sum(v for (s, hh), v in xt.items() if hh == int(lab[1:]))
        p = pct10(x, wt)
        want.append(f"{p // 10}.{p % 10}")
    check(tot[1:] == want, f"round {rd}: csv total row {tot[1:]} = R {want}")
import shutil
shutil.rmtree(tmp, ignore_errors=True) if not os.environ.get("TAB_KEEP") else None
sys.exit(1 if failed else 0)
PY
