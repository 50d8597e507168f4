"""The comparison of hoshi's --stats json with R, shared by the
differential suites tab_r_stats.sh (unweighted) and tab_r_stats_w.sh
(weighted).  Their R scripts print one line per expected test, rows
numbered as in hoshi's tables (row 0 the total), blocks from 0:

  chisq H|M BLOCK COL STAT DF P LOW   (COL -1: the SA head's block test)
  pair H|M BLOCK COL A B P P_ADJ SIGN (SIGN > 0: row A is higher)
  anova BLOCK F DF1 DF2 P
  tpair BLOCK A B T DF P P_ADJ

and the tables have an SA head H, an MA head M and a NUM head V.  Lines
of other kinds are the suite's own (parse() hands them back)."""


def close(a, b, rel=1e-6):
    if a is None or b is None:
        return False
    if abs(a) < 1e-290 and abs(b) < 1e-290:
        return True
    return abs(a - b) <= rel * max(abs(a), abs(b))


def letter(i):
    return chr(ord("A") + i) if i < 26 else chr(ord("a") + i - 26)


def parse(stdout):
    """R's lines: (want, other), want the expected tests, other the split
    lines of the kinds above it does not know."""
    want = {"chisq": {}, "pair": {"H": {}, "M": {}}, "anova": {}, "tpair": {}}
    other = []
    for line in stdout.splitlines():
        w = line.split()
        if not w:
            continue
        if w[0] == "chisq":
            want["chisq"][(w[1], int(w[2]), int(w[3]))] = (float(w[4]), float(w[5]), float(w[6]), int(w[7]))
        elif w[0] == "pair":
            want["pair"][w[1]][(int(w[2]), int(w[3]), int(w[4]), int(w[5]))] = \
                (float(w[6]), float(w[7]), float(w[8]))
        elif w[0] == "anova":
            want["anova"][int(w[1])] = tuple(float(x) for x in w[2:6])
        elif w[0] == "tpair":
            want["tpair"][(int(w[1]), int(w[2]), int(w[3]))] = tuple(float(x) for x in w[4:8])
        else:
            other.append(w)
    return want, other


def blocks_of(sizes):
    """{row: (block, first row of the block)} for blocks of these sizes."""
    out, first = {}, 1
    for b, n in enumerate(sizes):
        for i in range(n):
            out[first + i] = (b, first)
        first += n
    return out


def _expected_letters(ri, block_of, test):
    """The letters row ri shows: the rows of its block it is higher than,
    test(key of the pair, row ri is a) giving True when it is."""
    b, first = block_of[ri]
    return "".join(letter(o - first) for o in sorted(block_of)
                   if block_of[o][0] == b and test((b, min(ri, o), max(ri, o)), ri < o))


def compare(tables, tests, want, block_of, ncat, alpha):
    """The differences between hoshi's tables and tests (json, by id) and
    R's want: chi-square tests, proportion pairs and the letters they give
    for H and M (ncat[tid] categories), the ANOVA and Welch pairs of V and
    their letters.  A list of lines, empty when they agree."""
    errs = []
    nb = len({b for b, _ in block_of.values()})
    for tid in ("H", "M", "V"):
        if len(tests[tid]["blocks"]) != nb:
            return [f"{tid}: {len(tests[tid]['blocks'])} blocks, not {nb}"]
    # chi-square: the SA head's block test, the MA head's per column
    for tid in ("H", "M"):
        for b in range(nb):
            blk = tests[tid]["blocks"][b]
            got = {}
            if tid == "H" and blk["chisq"] is not None:
                got[("H", b, -1)] = blk["chisq"]
            for c, t in enumerate(blk.get("chisq_columns") or []):
                if t is not None:
                    got[("M", b, c)] = t
            keys = {k for k in want["chisq"] if k[0] == tid and k[1] == b}
            if set(got) != keys:
                errs.append(f"{tid}: chi-square tests {sorted(got)} vs R {sorted(keys)}")
                continue
            for k in keys:
                st, df, pv, low = want["chisq"][k]
                g = got[k]
                if not (close(g["chisq"], st) and g["df"] == df and close(g["p"], pv) and g["low_expected"] == low):
                    errs.append(f"{tid} {k}: chisq {g} vs R {st} {df} {pv} low {low}")
    # proportion pairs and the letters they give
    for tid in ("H", "M"):
        wp = want["pair"][tid]
        got = {(b, pr["col"], pr["a"], pr["b"]): pr
               for b in range(nb) for pr in tests[tid]["blocks"][b]["pairs"]}
        if set(got) != set(wp):
            errs.append(f"{tid}: pairs {sorted(got)} vs R {sorted(wp)}")
            continue
        for k, (pv, adj, sign) in wp.items():
            g = got[k]
            if not (close(g["p"], pv) and close(g["p_adj"], adj) and (g["z"] > 0) == (sign > 0)):
                errs.append(f"{tid} {k}: p {g['p']} adj {g['p_adj']} z {g['z']} vs R {pv} {adj} {sign}")
        rows = tables[tid]["rows"]
        for ri, (b, first) in block_of.items():
            for c in range(ncat[tid]):
                exp = _expected_letters(ri, block_of, lambda key, is_a: (
                    (key[0], c) + key[1:] in wp and wp[(key[0], c) + key[1:]][1] < alpha
                    and (wp[(key[0], c) + key[1:]][2] > 0) == is_a))
                if rows[ri]["small_base"]:
                    exp = ""
                if rows[ri]["letters"][c] != exp:
                    errs.append(f"{tid} row {ri} col {c}: letters {rows[ri]['letters'][c]!r} vs R {exp!r}")
            if rows[ri]["letter"] != letter(ri - first):
                errs.append(f"{tid} row {ri}: letter {rows[ri]['letter']} vs {letter(ri - first)}")
    # ANOVA and Welch pairs of the NUM head
    for b in range(nb):
        a = tests["V"]["blocks"][b]["anova"]
        wa = want["anova"].get(b)
        if (a is None) != (wa is None):
            errs.append(f"V block {b}: anova {a} vs R {wa}")
        elif a is not None:
            F, d1, d2, pv = wa
            if not (close(a["F"], F) and a["df1"] == d1 and close(a["df2"], d2, 1e-9) and close(a["p"], pv)):
                errs.append(f"V block {b}: anova {a} vs R {wa}")
    wt = want["tpair"]
    got = {(b, pr["a"], pr["b"]): pr for b in range(nb) for pr in tests["V"]["blocks"][b]["pairs"]}
    if set(got) != set(wt):
        errs.append(f"V: pairs {sorted(got)} vs R {sorted(wt)}")
        return errs
    for k, (t, df, pv, adj) in wt.items():
        g = got[k]
        if not (close(g["t"], t) and close(g["df"], df) and close(g["p"], pv) and close(g["p_adj"], adj)):
            errs.append(f"V {k}: {g} vs R t {t} df {df} p {pv} adj {adj}")
    rows = tables["V"]["rows"]
    for ri in block_of:
        exp = _expected_letters(ri, block_of, lambda key, is_a: (
            key in wt and wt[key][3] < alpha and (wt[key][0] > 0) == is_a))
        if rows[ri]["small_base"]:
            exp = ""
        if rows[ri]["letters"][1] != exp:
            errs.append(f"V row {ri}: letters {rows[ri]['letters'][1]!r} vs R {exp!r}")
    return errs


def counts(want, tables):
    """(chi-square tests, pairs, cells with letters) for the ok line."""
    return (len(want["chisq"]), len(want["pair"]["H"]) + len(want["pair"]["M"]) + len(want["tpair"]),
            sum(1 for t in tables.values() for row in t["rows"] for l in row["letters"] if l))


def report(name, errs, limit=12):
    """Prints the ok or FAIL line of a round and its first differences;
    1 when it failed."""
    if not errs:
        print(f"ok   {name}")
        return 0
    print(f"FAIL {name}")
    for e in errs[:limit]:
        print("  " + e)
    if len(errs) > limit:
        print(f"  … and {len(errs) - limit} more")
    return 1
