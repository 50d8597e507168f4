#!/usr/bin/env bash
# Differential test of the WEIGHTED statistics of tables (--stats with
# --weight or --rake) against R (Debian r-base-core, r-cran-survey).
# Generated surveys — an SA side (and in some rounds a second one: a
# banner of two blocks), SA, MA and NUM heads, random weights (uniform,
# log-normal, small, large, some of them 0) or rim weights — tabulated by
# hoshi with --format json --stats all, and recomputed by R from the
# respondents, as docs/tab.md ("Statistics of tables", "Weights") defines
# them, not from hoshi's numbers:
# - per side row: the weighted base B = Σw, the effective base
#   e = (Σw)²/Σw² (Kish), the weighted counts x; a row's counts are
#   scaled by e / B;
# - chi-square: chisq.test(correct = FALSE) of the scaled counts (SA head:
#   rows × answered categories; MA head: chosen / not chosen per category);
# - letters: prop.test(correct = FALSE) of the scaled counts of each pair
#   of rows, p.adjust per column and block; rows with an unweighted base
#   below 30 take no part;
# - NUM head: the weighted mean (svymean) and variance (svyvar) of the
#   respondents with a value and e of their weights; Welch's t on them
#   (n = e), the one-way ANOVA with n = e; a row with fewer than 30
#   values takes no part in the letters;
# - the ▲/▼ marks: each row against the rest of the total (everyone not
#   in it), z on the weighted shares with the effective bases of both
#   and the weighted share of the total pooled;
# - rim weights (--rake) are computed by survey::rake, not read from hoshi.
# Statistics and p values must agree to 1e-6 relative, degrees of freedom
# too, the letters and marks each cell shows must be those R's numbers
# give, and small_base the unweighted rule.  Prints ok/FAIL lines with the
# seed; seed from TAB_SEED, rounds from TAB_ROUNDS (8).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
if ! Rscript -e 'suppressMessages(library(survey))' >/dev/null 2>&1; then
  echo "FAIL r-stats-w: R survey missing (make deps installs r-base-core and r-cran-survey)"; exit 1
fi
export PYTHONPATH="$here/tests/suites${PYTHONPATH:+:$PYTHONPATH}"
exec /usr/bin/python3 - "$bin" "${TAB_SEED:-$RANDOM}" "${TAB_ROUNDS:-8}" <<'PY'
import json, os, random, subprocess, sys, tempfile
from r_stats_compare import blocks_of, close, compare, counts, parse, report

hoshi, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
Z95, Z99 = 1.959963984540, 2.5758293035489  # the thresholds of the ▲/▼ marks

R_SCRIPT = r'''
suppressMessages(library(survey))
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = "character")
sides <- lapply(strsplit(args[2], ";")[[1]], function(s) strsplit(s, ":")[[1]])
kh <- as.integer(strsplit(args[3], ",")[[1]]); km <- as.integer(strsplit(args[4], ",")[[1]])
meth <- args[5]; mode <- args[6]
small <- 30
num <- function(x) suppressWarnings(as.numeric(x))
out <- function(...) cat(paste(..., sep = " "), "\n", sep = "")
f <- function(x) formatC(as.numeric(x), digits = 17, format = "g")
ess <- function(w) if (sum(w) > 0) sum(w)^2 / sum(w^2) else 0
n <- nrow(d)
if (mode == "rake") {
  # rim weights from the targets, by survey::rake (mean 1: totals n)
  tg <- read.csv(args[7])
  vars <- unique(tg$variable)
  dd <- data.frame(w0 = rep(1, n))
  for (v in vars) dd[[v]] <- factor(d[[v]])
  sm <- lapply(vars, function(v) as.formula(paste("~", v)))
  pm <- lapply(vars, function(v) {
    t <- tg[tg$variable == v, ]
    df <- data.frame(factor(t$code, levels = levels(dd[[v]])), t$target * n)
    names(df) <- c(v, "Freq")
    df
  })
  des <- svydesign(ids = ~1, weights = ~w0, data = dd)
  des <- rake(des, sm, pm, control = list(maxit = 5000, epsilon = 1e-13, verbose = FALSE))
  w <- unname(weights(des))
} else {
  w <- num(d$W)
}
H <- num(d$H); V <- num(d$V)
M <- lapply(km, function(k) { m <- num(d[[paste0("M_", k)]]); m[is.na(m)] <- 0; m })
out("ess total", f(ess(w)), f(ess(w[!is.na(V)])))
# pairs of rows of a block in a column: x scaled counts of the scaled bases e
pairs <- function(name, b, col, x, e, B, nU, rows) {
  ps <- c(); ab <- list()
  for (a in seq_along(x)) for (c in seq_along(x)) if (a < c) {
    if (nU[a] < small || nU[c] < small || !(B[a] > 0) || !(B[c] > 0)) next
    if (x[a] + x[c] == 0 || x[a] + x[c] >= (e[a] + e[c]) * (1 - 1e-12)) next
    p <- suppressWarnings(prop.test(c(x[a], x[c]), c(e[a], e[c]), correct = FALSE))
    ps <- c(ps, p$p.value); ab[[length(ab) + 1]] <- c(rows[a], rows[c], sign(x[a] / e[a] - x[c] / e[c]))
  }
  if (length(ps) == 0) return()
  adj <- p.adjust(ps, meth)
  for (i in seq_along(ps)) out("pair", name, b, col, ab[[i]][1], ab[[i]][2], f(ps[i]), f(adj[i]), ab[[i]][3])
}
# a row against the rest of the total: weighted shares, effective bases
mark <- function(name, col, row, inrow, chosen) {
  B1 <- sum(w[inrow]); Bt <- sum(w)
  if (!(B1 > 0) || !(B1 < Bt)) return()
  rest <- !inrow
  B2 <- sum(w[rest]); e1 <- ess(w[inrow]); e2 <- ess(w[rest])
  if (!(e2 > 0)) return()
  p1 <- sum(w[inrow & chosen]) / B1; p2 <- sum(w[rest & chosen]) / B2; p <- sum(w[chosen]) / Bt
  se <- sqrt(p * (1 - p) * (1 / e1 + 1 / e2))
  if (se > 0) out("sig", name, row, col, f((p1 - p2) / se))
}
first <- 1
for (b in seq_along(sides)) {
  S <- num(d[[sides[[b]][1]]]); ks <- as.integer(strsplit(sides[[b]][2], ",")[[1]])
  rows <- first + seq_along(ks) - 1
  inr <- lapply(ks, function(k) !is.na(S) & S == k)
  nU <- sapply(inr, sum); B <- sapply(inr, function(i) sum(w[i])); e <- sapply(inr, function(i) ess(w[i]))
  fs <- ifelse(B > 0, e / B, 0)
  for (i in seq_along(ks)) out("row", rows[i], nU[i], f(e[i]))
  # the SA head: chi-square of the scaled counts, then the pairs per column
  X <- t(sapply(seq_along(ks), function(i) sapply(kh, function(h) sum(w[inr[[i]] & !is.na(H) & H == h]) * fs[i])))
  tt <- X[rowSums(X) > 0, colSums(X) > 0, drop = FALSE]
  if (nrow(tt) >= 2 && ncol(tt) >= 2) {
    r <- suppressWarnings(chisq.test(tt, correct = FALSE))
    out("chisq H", b - 1, -1, f(r$statistic), r$parameter, f(r$p.value), sum(r$expected < 5))
  }
  for (j in seq_along(kh)) {
    pairs("H", b - 1, j - 1, X[, j], e, B, nU, rows)
    for (i in seq_along(ks)) mark("H", j - 1, rows[i], inr[[i]], !is.na(H) & H == kh[j])
  }
  # the MA head: a 2 x k test per category (of the row base), its pairs
  for (j in seq_along(km)) {
    x <- sapply(seq_along(ks), function(i) sum(w[inr[[i]] & M[[j]] == 1]) * fs[i])
    keep <- B > 0
    mt <- cbind(x[keep], e[keep] - x[keep])
    if (sum(keep) >= 2 && sum(mt[, 1]) > 0 && sum(mt[, 2]) > 0) {
      r <- suppressWarnings(chisq.test(mt, correct = FALSE))
      out("chisq M", b - 1, j - 1, f(r$statistic), r$parameter, f(r$p.value), sum(r$expected < 5))
    }
    pairs("M", b - 1, j - 1, x, e, B, nU, rows)
    for (i in seq_along(ks)) mark("M", j - 1, rows[i], inr[[i]], M[[j]] == 1)
  }
  # the NUM head: svymean and svyvar of each row's values, n = e of their weights
  mv <- c(); vv <- c(); ev <- c(); nv <- c(); ok <- c()
  for (i in seq_along(ks)) {
    has <- inr[[i]] & !is.na(V)
    nv[i] <- sum(has); ev[i] <- ess(w[has]); ok[i] <- sum(w[has]) > 0
    mv[i] <- NA; vv[i] <- 0
    if (ok[i] && sum(has) == 1) {  # svydesign wants two units
      mv[i] <- V[has]
    } else if (ok[i]) {
      des <- svydesign(ids = ~1, weights = ~ww, data = data.frame(V = V[has], ww = w[has]))
      mv[i] <- unname(coef(svymean(~V, des)))
      if (sum(w[has] != 0) > 1) vv[i] <- unname(coef(svyvar(~V, des)))
    }
    out("numrow", rows[i], nv[i], f(ev[i]), f(mv[i]), f(sqrt(vv[i])))
  }
  k <- sum(ok); N <- sum(ev[ok])
  if (k >= 2 && N - k > 0) {
    grand <- sum(ev[ok] * mv[ok]) / N
    ssb <- sum(ev[ok] * (mv[ok] - grand)^2); ssw <- sum((ev[ok] - 1) * vv[ok])
    if (ssw > 0) {
      F <- (ssb / (k - 1)) / (ssw / (N - k))
      out("anova", b - 1, f(F), k - 1, f(N - k), f(pf(F, k - 1, N - k, lower.tail = FALSE)))
    }
  }
  ps <- c(); ab <- list()
  for (a in seq_along(ks)) for (c in seq_along(ks)) if (a < c) {
    if (nv[a] < small || nv[c] < small || !ok[a] || !ok[c] || ev[a] < 2 || ev[c] < 2) next
    if (vv[a] == 0 && vv[c] == 0) next
    s1 <- vv[a] / ev[a]; s2 <- vv[c] / ev[c]
    tv <- (mv[a] - mv[c]) / sqrt(s1 + s2)
    df <- (s1 + s2)^2 / (s1^2 / (ev[a] - 1) + s2^2 / (ev[c] - 1))
    ps <- c(ps, 2 * pt(-abs(tv), df)); ab[[length(ab) + 1]] <- c(rows[a], rows[c], f(tv), f(df))
  }
  if (length(ps) > 0) {
    adj <- p.adjust(ps, meth)
    for (i in seq_along(ps)) out("tpair", b - 1, ab[[i]][1], ab[[i]][2], ab[[i]][3], ab[[i]][4], f(ps[i]), f(adj[i]))
  }
  first <- first + length(ks)
}
'''

def gen(rng, tmp, mode, banner):
    ks = sorted(rng.sample(range(1, 20), rng.randint(2, 6)))
    kr = sorted(rng.sample(range(1, 9), rng.randint(2, 4)))
    kh = sorted(rng.sample(range(1, 20), rng.randint(2, 5)))
    km = sorted(rng.sample(range(1, 20), rng.randint(1, 3)))
    n = rng.choice([120, 400, 1500, rng.randint(80, 5000)])
    if mode == "rake":  # no rare categories: targets far from the sample stay reachable
        n = rng.choice([400, 1500, 3000])
    pblank = rng.choice([0.0, 0.05, 0.2])
    # no blank sides when raking: raking needs everyone in a category
    sblank = 0.0 if mode == "rake" else rng.choice([0.0, 0.03])
    sw = [rng.choice([0.5, 1, 2] if mode == "rake" else [0.02, 0.3, 1, 3]) for _ in ks]
    rw = [rng.choice([0.3, 1, 2]) for _ in kr]
    hw = {k: [rng.uniform(0.2, 3) for _ in kh] for k in ks}
    mp = {k: [rng.uniform(0.05, 0.85) for _ in km] for k in ks}
    mu = {k: rng.uniform(-5, 5) for k in ks}
    sd = {k: rng.choice([0.5, 3, 20]) for k in ks}
    # weights related to the answers, as real weights are
    wf = {"uniform": lambda: rng.uniform(0.2, 3), "lognormal": lambda: rng.lognormvariate(0, 0.8),
          "small": lambda: rng.uniform(0.05, 0.6), "large": lambda: rng.uniform(2, 7),
          "zeros": lambda: 0.0 if rng.random() < 0.15 else rng.uniform(0.3, 2.5)}.get(mode)
    cb = ["qid,type,code,label", "S,SA,,side"] + [f"S,SA,{k},s{k}" for k in ks]
    cb += ["R,SA,,region"] + [f"R,SA,{k},r{k}" for k in kr]
    cb += ["H,SA,,head"] + [f"H,SA,{k},h{k}" for k in kh]
    cb += ["M,MA,,multi"] + [f"M,MA,{k},m{k}" for k in km]
    cb += ["V,NUM,,value", "W,NUM,,weight"]
    lines = ["id,S,R,H," + ",".join(f"M_{k}" for k in km) + ",V,W"]
    seen_s, seen_r = set(), set()
    for i in range(n):
        s = rng.choices(ks, sw)[0]
        r = rng.choices(kr, rw)[0]
        seen_s.add(s)
        seen_r.add(r)
        h = "" if rng.random() < pblank else str(rng.choices(kh, hw[s])[0])
        blank_m = rng.random() < pblank
        m = ["" if blank_m else str(int(rng.random() < p)) for p in mp[s]]
        v = "" if rng.random() < pblank else f"{rng.gauss(mu[s] + r / 2, sd[s]):.4f}"
        wt = f"{wf():.4f}" if wf else "1"
        ss = "" if rng.random() < sblank else str(s)
        lines.append(",".join([str(i + 1), ss, str(r), h] + m + [v, wt]))
    open(os.path.join(tmp, "cb.csv"), "w").write("\n".join(cb) + "\n")
    open(os.path.join(tmp, "d.csv"), "w").write("\n".join(lines) + "\n")
    if mode == "rake":  # targets for the codes given, shares summing to 1
        tg = ["variable,code,target"]
        for var, seen in (("S", seen_s), ("R", seen_r)):
            codes = sorted(seen)
            raw = [rng.uniform(0.5, 2) for _ in codes]
            shares = [round(x / sum(raw), 6) for x in raw]
            shares[-1] = round(1 - sum(shares[:-1]), 6)
            tg += [f"{var},{c},{t}" for c, t in zip(codes, shares)]
        open(os.path.join(tmp, "targets.csv"), "w").write("\n".join(tg) + "\n")
    sides = [("S", ks)] + ([("R", kr)] if banner else [])
    return sides, kh, km

def check(rng, tmp, mode, banner):
    sides, kh, km = gen(rng, tmp, mode, banner)
    meth = rng.choice(["bonferroni", "holm", "none"])
    level = rng.choice(["0.05", "0.01"])
    cmd = [hoshi, "tab", "--codebook", f"{tmp}/cb.csv", "--data", f"{tmp}/d.csv",
           "--side", ",".join(s for s, _ in sides), "--head", "H,M,V", "--format", "json",
           "--stats", "all", "--correction", meth, "--sig-level", level]
    cmd += ["--rake", f"{tmp}/targets.csv", "--rake-report", f"{tmp}/rake.txt"] if mode == "rake" \
        else ["--weight", "W"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        return [f"hoshi exit {p.returncode}: {p.stderr}"], None
    js = json.loads(p.stdout)
    tables = {t["id"]: t for t in js["tables"]}
    tests = {t["id"]: t for t in js["tests"]}
    open(f"{tmp}/t.R", "w").write(R_SCRIPT)
    r = subprocess.run(["Rscript", f"{tmp}/t.R", f"{tmp}/d.csv",
                        ";".join(f"{s}:{','.join(map(str, k))}" for s, k in sides),
                        ",".join(map(str, kh)), ",".join(map(str, km)), meth, mode,
                        f"{tmp}/targets.csv"], capture_output=True, text=True)
    if r.returncode != 0:
        return [f"R failed: {r.stderr}"], None
    errs = []
    want, other = parse(r.stdout)
    want_sig, rows_r, numrows_r = {}, {}, {}
    for w in other:
        if w[0] == "ess":
            ess_all, ess_num = float(w[2]), float(w[3])
        elif w[0] == "row":
            rows_r[int(w[1])] = (int(w[2]), float(w[3]))
        elif w[0] == "numrow":
            numrows_r[int(w[1])] = (int(w[2]), float(w[3]), float(w[4].replace("NA", "nan")), float(w[5]))
        elif w[0] == "sig":
            want_sig[(w[1], int(w[2]), int(w[3]))] = float(w[4])
    alpha = float(level)
    block_of = blocks_of([len(ks) for _, ks in sides])
    for tid in ("H", "M", "V"):
        if not tests[tid]["effective_base"]:
            errs.append(f"{tid}: tests not on effective bases")
    # the bases: effective, and small by the unweighted rule
    for tid in ("H", "M"):
        rows = tables[tid]["rows"]
        if not close(rows[0]["effective_n"], ess_all, 1e-9):
            errs.append(f"{tid} total: effective_n {rows[0]['effective_n']} vs R {ess_all}")
        for ri, (nu, e) in rows_r.items():
            if rows[ri]["unweighted_n"] != nu or not (close(rows[ri]["effective_n"], e, 1e-9) or e == 0 == rows[ri]["effective_n"]):
                errs.append(f"{tid} row {ri}: n {rows[ri]['unweighted_n']} ess {rows[ri]['effective_n']} vs R {nu} {e}")
            if rows[ri]["small_base"] != (nu < 30):
                errs.append(f"{tid} row {ri}: small_base {rows[ri]['small_base']} with {nu} respondents")
    rows = tables["V"]["rows"]
    if not close(rows[0]["effective_n"], ess_num, 1e-9):
        errs.append(f"V total: effective_n {rows[0]['effective_n']} vs R {ess_num}")
    for ri, (nv, e, m, s) in numrows_r.items():
        st = rows[ri]["stats"]
        if not (close(rows[ri]["effective_n"], e, 1e-9) or e == 0 == rows[ri]["effective_n"]):
            errs.append(f"V row {ri}: effective_n {rows[ri]['effective_n']} vs R {e}")
        if e > 0 and not (close(st[1], m, 1e-9) and (close(st[5], s, 1e-9) or s == 0 == st[5])):
            errs.append(f"V row {ri}: mean {st[1]} sd {st[5]} vs svymean {m} sqrt(svyvar) {s}")
        if rows[ri]["small_base"] != (nv < 30):
            errs.append(f"V row {ri}: small_base {rows[ri]['small_base']} with {nv} values")
    errs += compare(tables, tests, want, block_of, {"H": len(kh), "M": len(km)}, alpha)
    # the ▲/▼ marks (a z within 1e-6 of a threshold is not judged)
    for tid, ncat in (("H", len(kh)), ("M", len(km))):
        rows = tables[tid]["rows"]
        for ri in block_of:
            for c in range(ncat):
                z = want_sig.get((tid, ri, c), 0.0)
                if any(abs(abs(z) - th) < 1e-6 for th in (Z95, Z99)):
                    continue
                m = 2 if abs(z) >= Z99 else 1 if abs(z) >= Z95 else 0
                m = -m if z < 0 else m
                if rows[ri]["sig"][c] != m:
                    errs.append(f"{tid} row {ri} col {c}: mark {rows[ri]['sig'][c]} vs R z {z}")
    return errs, counts(want, tables) + (
        sum(1 for t in ("H", "M") for row in tables[t]["rows"] for s in row["sig"] if s),)

# the first rounds cover every kind of weights once, then random ones
MODES = ["uniform", "lognormal", "small", "large", "zeros", "rake"]
failed = 0
for rnd in range(rounds):
    s = seed * 1000 + rnd if rnd >= len(MODES) else rnd
    rng = random.Random(s)
    mode = MODES[rnd] if rnd < len(MODES) else rng.choice(MODES)
    banner = rng.random() < 0.4
    with tempfile.TemporaryDirectory() as tmp:
        errs, n = check(rng, tmp, mode, banner)
    name = f"r-stats-w round {rnd} (seed {s}, {mode} weights{', banner' if banner else ''})"
    if n is not None:
        name += f": {n[0]} chi-square tests, {n[1]} pairs, {n[2]} cells with letters, {n[3]} marks"
    failed += report(name + ("" if not errs else f"  [TAB_SEED={seed}]"), errs)
sys.exit(1 if failed else 0)
PY
