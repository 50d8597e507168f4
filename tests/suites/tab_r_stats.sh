#!/usr/bin/env bash
# Differential test of the statistics of tables (--stats) against R
# (Debian r-base-core): generated surveys — SA and MA heads and a NUM head
# by an SA side of 2 to 7 categories, small and big counts, blanks, rows
# with a small base or nobody — tabulated by hoshi with --format json
# --stats all, and tested by R with chisq.test(correct = FALSE),
# prop.test(correct = FALSE) for each pair of rows with p.adjust
# (Bonferroni, Holm or none), t.test(var.equal = FALSE) and
# oneway.test(var.equal = TRUE) (anova(lm()) when a row has one value).
# Statistics and p values must agree to 1e-6 relative, degrees of freedom
# exactly, and the letters each cell shows must be those R's adjusted p
# values give.  Prints ok/FAIL lines; seed from TAB_SEED, rounds from
# TAB_ROUNDS (12).  The comparison is tests/suites/r_stats_compare.py, shared
# with the weighted suite tab_r_stats_w.sh.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
if ! command -v Rscript >/dev/null; then
  echo "FAIL r-stats: Rscript missing (make deps installs r-base-core)"; exit 1
fi
export PYTHONPATH="$here/tests/suites${PYTHONPATH:+:$PYTHONPATH}"
exec /usr/bin/python3 - "$bin" "${TAB_SEED:-$RANDOM}" "${TAB_ROUNDS:-12}" <<'PY'
import json, os, random, subprocess, sys, tempfile
from r_stats_compare import blocks_of, compare, counts, parse, report

hoshi, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
SMALL = 30  # hi_tab_small_base: rows below it take no part in the letters

R_SCRIPT = r'''
args <- commandArgs(trailingOnly = TRUE)
d <- read.csv(args[1], colClasses = "character")
ks <- as.integer(strsplit(args[2], ",")[[1]]); kh <- as.integer(strsplit(args[3], ",")[[1]])
km <- as.integer(strsplit(args[4], ",")[[1]]); meth <- args[5]
small <- 30
num <- function(x) suppressWarnings(as.numeric(x))
out <- function(...) cat(paste(..., sep = " "), "\n", sep = "")
f <- function(x) formatC(x, digits = 17, format = "g")
S <- num(d$S); H <- num(d$H); V <- num(d$V)
base <- sapply(ks, function(k) sum(!is.na(S) & S == k))
# chi-square of the SA head: side categories x answered head categories
tab <- table(factor(S, levels = ks), factor(H, levels = kh))
tt <- tab[rowSums(tab) > 0, colSums(tab) > 0, drop = FALSE]
if (nrow(tt) >= 2 && ncol(tt) >= 2) {
  r <- suppressWarnings(chisq.test(tt, correct = FALSE))
  out("chisq H 0 -1", f(r$statistic), r$parameter, f(r$p.value), sum(r$expected < 5))
}
# pairs of rows in a column: x chosen of n (the row base)
pairs <- function(name, col, x) {
  ps <- c(); ab <- list()
  for (a in seq_along(ks)) for (b in seq_along(ks)) if (a < b) {
    na <- base[a]; nb <- base[b]
    if (na < small || nb < small || na == 0 || nb == 0) next
    if (x[a] + x[b] == 0 || x[a] + x[b] == na + nb) next
    p <- suppressWarnings(prop.test(c(x[a], x[b]), c(na, nb), correct = FALSE))
    ps <- c(ps, p$p.value); ab[[length(ab) + 1]] <- c(a, b, sign(x[a] / na - x[b] / nb))
  }
  if (length(ps) == 0) return()
  adj <- p.adjust(ps, meth)
  for (i in seq_along(ps)) out("pair", name, 0, col, ab[[i]][1], ab[[i]][2], f(ps[i]), f(adj[i]), ab[[i]][3])
}
for (j in seq_along(kh)) pairs("H", j - 1, sapply(ks, function(k) sum(!is.na(S) & S == k & !is.na(H) & H == kh[j])))
# the MA head: one 2 x k test per category, then its pairs
for (j in seq_along(km)) {
  m <- num(d[[paste0("M_", km[j])]]); m[is.na(m)] <- 0
  x <- sapply(ks, function(k) sum(!is.na(S) & S == k & m == 1))
  keep <- base > 0
  mt <- cbind(x[keep], base[keep] - x[keep])
  if (sum(keep) >= 2 && sum(mt[, 1]) > 0 && sum(mt[, 2]) > 0) {
    r <- suppressWarnings(chisq.test(mt, correct = FALSE))
    out("chisq M 0", j - 1, f(r$statistic), r$parameter, f(r$p.value), sum(r$expected < 5))
  }
  pairs("M", j - 1, x)
}
# the NUM head: ANOVA over the rows with a value, Welch for the pairs
ok <- !is.na(S) & !is.na(V)
g <- factor(S[ok], levels = ks); g <- droplevels(g)
if (nlevels(g) >= 2 && sum(ok) > nlevels(g)) {
  w <- tapply(V[ok], g, function(v) sum((v - mean(v))^2))
  if (sum(w) > 0) {
    if (all(table(g) >= 2)) {
      r <- oneway.test(V[ok] ~ g, var.equal = TRUE)
      out("anova 0", f(r$statistic), r$parameter[1], r$parameter[2], f(r$p.value))
    } else {  # oneway.test refuses a group of one; the ANOVA of lm does not
      a <- anova(lm(V[ok] ~ g))
      out("anova 0", f(a[["F value"]][1]), a$Df[1], a$Df[2], f(a[["Pr(>F)"]][1]))
    }
  }
}
ps <- c(); ab <- list()
for (a in seq_along(ks)) for (b in seq_along(ks)) if (a < b) {
  va <- V[ok & S == ks[a]]; vb <- V[ok & S == ks[b]]
  # a NUM row is small by its number of values (hi_tab_small_base)
  if (length(va) < small || length(vb) < small) next
  if (var(va) == 0 && var(vb) == 0) next
  r <- t.test(va, vb, var.equal = FALSE)
  ps <- c(ps, r$p.value); ab[[length(ab) + 1]] <- c(a, b, f(r$statistic), f(r$parameter))
}
if (length(ps) > 0) {
  adj <- p.adjust(ps, meth)
  for (i in seq_along(ps)) out("tpair 0", ab[[i]][1], ab[[i]][2], ab[[i]][3], ab[[i]][4], f(ps[i]), f(adj[i]))
}
'''

def gen(rng, tmp):
    ks = sorted(rng.sample(range(1, 20), rng.randint(2, 7)))
    kh = sorted(rng.sample(range(1, 20), rng.randint(2, 6)))
    km = sorted(rng.sample(range(1, 20), rng.randint(1, 4)))
    n = rng.choice([40, 150, 600, 3000, rng.randint(60, 8000)])
    pblank = rng.choice([0.0, 0.05, 0.2])
    # rows differ in their head distributions, so some pairs are significant
    sw = [rng.choice([0.02, 0.3, 1, 3]) for _ in ks]
    hw = {k: [rng.uniform(0.2, 3) for _ in kh] for k in ks}
    mp = {k: [rng.uniform(0.02, 0.9) for _ in km] for k in ks}
    mu = {k: rng.uniform(-5, 5) for k in ks}
    sd = {k: rng.choice([0.5, 3, 20]) for k in ks}
    cb = ["qid,type,code,label", "S,SA,,side"] + [f"S,SA,{k},s{k}" for k in ks]
    cb += ["H,SA,,head"] + [f"H,SA,{k},h{k}" for k in kh]
    cb += ["M,MA,,multi"] + [f"M,MA,{k},m{k}" for k in km]
    cb += ["V,NUM,,value"]
    lines = ["id,S,H," + ",".join(f"M_{k}" for k in km) + ",V"]
    for i in range(n):
        s = rng.choices(ks, sw)[0]
        h = "" if rng.random() < pblank else str(rng.choices(kh, hw[s])[0])
        blank_m = rng.random() < pblank
        m = ["" if blank_m else str(int(rng.random() < p)) for p in mp[s]]
        v = "" if rng.random() < pblank else f"{rng.gauss(mu[s], sd[s]):.4f}"
        lines.append(",".join([str(i + 1), str(s), h] + m + [v]))
    open(os.path.join(tmp, "cb.csv"), "w").write("\n".join(cb) + "\n")
    open(os.path.join(tmp, "d.csv"), "w").write("\n".join(lines) + "\n")
    return ks, kh, km

def check(rng, tmp, rnd):
    ks, kh, km = gen(rng, tmp)
    meth = rng.choice(["bonferroni", "holm", "none"])
    level = rng.choice(["0.05", "0.01"])
    p = subprocess.run([hoshi, "tab", "--codebook", f"{tmp}/cb.csv", "--data", f"{tmp}/d.csv",
                        "--side", "S", "--head", "H,M,V", "--format", "json", "--stats", "all",
                        "--correction", meth, "--sig-level", level], capture_output=True, text=True)
    if p.returncode != 0:
        return [f"hoshi exit {p.returncode}: {p.stderr}"], None
    js = json.loads(p.stdout)
    tables = {t["id"]: t for t in js["tables"]}
    tests = {t["id"]: t for t in js["tests"]}
    open(f"{tmp}/t.R", "w").write(R_SCRIPT)
    r = subprocess.run(["Rscript", f"{tmp}/t.R", f"{tmp}/d.csv", ",".join(map(str, ks)),
                        ",".join(map(str, kh)), ",".join(map(str, km)), meth],
                       capture_output=True, text=True)
    if r.returncode != 0:
        return [f"R failed: {r.stderr}"], None
    want, _ = parse(r.stdout)
    errs = compare(tables, tests, want, blocks_of([len(ks)]), {"H": len(kh), "M": len(km)}, float(level))
    return errs, counts(want, tables)

failed = 0
for rnd in range(rounds):
    s = seed * 1000 + rnd if rnd >= 4 else rnd  # four fixed rounds, then random ones
    rng = random.Random(s)
    with tempfile.TemporaryDirectory() as tmp:
        errs, n = check(rng, tmp, rnd)
    name = f"r-stats round {rnd} (seed {s})"
    if n is not None:
        name += f": {n[0]} chi-square tests, {n[1]} pairs, {n[2]} cells with letters"
    failed += report(name + ("" if not errs else f"  [TAB_SEED={seed}]"), errs)
sys.exit(1 if failed else 0)
PY
