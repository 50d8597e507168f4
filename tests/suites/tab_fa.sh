#!/usr/bin/env bash
# Differential test of free-answer coding and listing: hoshi against an
# independent recomputation in Python on generated surveys.  Answers are
# drawn from words written full-width, half-width, in katakana and
# hiragana, upper and lower case; the coding file has plain and AND
# keywords and manual assignments.  Python folds with NFKC + casefold +
# katakana as hiragana (what docs/tab.md promises), codes each answer and
# counts the coded MA question by an SA side; hoshi's JSON counts must be
# equal, from the CSV data and from a .hsd cache, and the listing with
# --contains must hold exactly the ids Python finds, from both; a listing
# of CSV data parsed on two threads equals the one of one thread.  Prints
# ok/FAIL lines; seed from TAB_SEED, rounds from TAB_ROUNDS (6).
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
exec /usr/bin/python3 - "$bin" "${TAB_SEED:-$RANDOM}" "${TAB_ROUNDS:-6}" <<'PY'
import csv, io, json, os, random, subprocess, sys, tempfile, unicodedata

hoshi, seed, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(seed)

def width(s):
    """s with ASCII letters and digits full-width, katakana half-width."""
    out = []
    for ch in s:
        if "!" <= ch <= "~":
            out.append(chr(ord(ch) + 0xFEE0))
        else:
            out.append(ch)
    return "".join(out)

HALF = {"パ": "ﾊﾟ", "ス": "ｽ", "ワ": "ﾜ", "ー": "ｰ", "ド": "ﾄﾞ", "ウ": "ｳ", "イ": "ｲ", "ル": "ﾙ",
        "メ": "ﾒ", "モ": "ﾓ", "リ": "ﾘ", "バ": "ﾊﾞ", "ッ": "ｯ", "ク": "ｸ", "ア": "ｱ", "プ": "ﾌﾟ"}

def half(s):
    return "".join(HALF.get(ch, ch) for ch in s)

def hira(s):
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in s)

WORDS = ["パスワード", "ウイルス", "USBメモリ", "バックアップ", "PC", "予算", "人材", "紛失", "特になし"]

def spell(w):
    return rng.choice([w, w.lower(), width(w), half(w), hira(w), w.upper()])

def fold(s):
    return hira(unicodedata.normalize("NFKC", s).casefold())

def answer():
    k = rng.choice([0, 0, 1, 1, 2, 3])
    if k == 0 and rng.random() < 0.5:
        return ""
    parts = [spell(rng.choice(WORDS)) for _ in range(k)] or ["その他のこと"]
    sep = rng.choice(["、", " ", "と", ",", "\n", '"'])
    return sep.join(parts)

def run(args):
    p = subprocess.run([hoshi] + args, capture_output=True)
    if p.returncode != 0:
        raise RuntimeError(f"hoshi {' '.join(args)}: {p.stderr.decode()}")
    return p.stdout.decode()

ok = True
for rnd in range(rounds):
    with tempfile.TemporaryDirectory() as tmp:
        n = rng.choice([1, 50, 500, rng.randint(1, 3000)])
        ids = rng.sample(range(1, 10 * n + 10), n)
        ids = [rng.choice(["", "r", "ID-"]) + str(i) for i in ids]
        side = [rng.choice(["", "1", "2", "3"]) for _ in range(n)]
        text = [answer() for _ in range(n)]
        with open(f"{tmp}/cb.csv", "w") as f:
            f.write("qid,type,code,label\nS,SA,,side\nS,SA,1,a\nS,SA,2,b\nS,SA,3,c\nT,FA,,text\n")
        with open(f"{tmp}/data.csv", "w", newline="") as f:
            w = csv.writer(f, lineterminator="\r\n")
            w.writerow(["id", "S", "T"])
            for i in range(n):
                w.writerow([ids[i], side[i], text[i]])
        # categories: a few words each, some as AND keywords
        cats = []
        for code, ws in enumerate(rng.sample([[w] for w in WORDS] + [["USB", "紛失"], ["PC", "予算"]], 5), 1):
            kw = [ws] if len(ws) > 1 else [[spell(ws[0])]]
            cats.append((code, f"c{code}", kw))
        manual = {}
        for i in rng.sample(range(n), min(n, rng.randint(0, 20))):
            manual[ids[i]] = sorted(rng.sample([c for c, _, _ in cats], rng.randint(0, 2)))
        with open(f"{tmp}/codes.csv", "w", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["code", "label", "keywords"])
            for code, lab, kws in cats:
                w.writerow([code, lab] + ["&".join(k) for k in kws])
            for i, cs in manual.items():
                w.writerow([f"id:{i}"] + [str(c) for c in cs])
        # Python's coding
        nc = len(cats) + 1
        rows = {k: [0] * (nc + 1) for k in ["全体", "a", "b", "c"]}
        base = {k: 0 for k in rows}
        for i in range(n):
            if ids[i] in manual:
                sel = set(manual[ids[i]]) or {nc}
            elif text[i] == "":
                sel = set()
            else:
                f_ = fold(text[i])
                sel = {c for c, _, kws in cats if any(all(fold(p) in f_ for p in k) for k in kws)} or {nc}
            keys = ["全体"] + ({"1": ["a"], "2": ["b"], "3": ["c"]}.get(side[i], []))
            for k in keys:
                base[k] += 1
                for c in sel:
                    rows[k][c - 1] += 1
                if not sel:
                    rows[k][nc] += 1
        hsd = f"{tmp}/d.hsd"
        run(["import", "--codebook", f"{tmp}/cb.csv", "--data", f"{tmp}/data.csv", "--out", hsd])
        needle = spell(rng.choice(WORDS))
        want_ids = [ids[i] for i in range(n) if text[i] != "" and fold(needle) in fold(text[i])]
        for src in (["--codebook", f"{tmp}/cb.csv", "--data", f"{tmp}/data.csv"], ["--data", hsd]):
            kind = "hsd" if len(src) == 2 else "csv"
            name = f"round {rnd} ({kind}, n={n}, seed {seed})"
            try:
                got = json.loads(run(["tab"] + src + ["--coding", f"T={tmp}/codes.csv", "--side", "S",
                                                      "--head", "TC", "--format", "json"]))
                listing = run(["tab"] + src + ["--list", "T", "--contains", needle, "--format", "json"])
            except RuntimeError as e:
                print(f"FAIL coding {name}: {e}")
                ok = False
                continue
            t = got["tables"][0]
            bad = []
            for r in t["rows"]:
                k = r["label"]
                exp_counts = rows[k][:nc] + ([rows[k][nc]] if len(r["counts"]) > nc else [])
                if r["n"] != base[k] or r["counts"] != exp_counts:
                    bad.append(f"{k}: hoshi n={r['n']} {r['counts']}, python n={base[k]} {exp_counts}")
            print(("ok   " if not bad else "FAIL ") + f"coded counts {name}" + ("" if not bad else ": " + "; ".join(bad[:3])))
            ok = ok and not bad
            if kind == "csv":
                # the CSV parsed on two threads keeps every id with its row
                one = run(["tab"] + src + ["--list", "T", "--attrs", "S", "--format", "csv"])
                two = subprocess.run([hoshi, "tab"] + src + ["--list", "T", "--attrs", "S", "--format", "csv"],
                                     capture_output=True, env=dict(os.environ, HOSHI_TESTING_THREADS="1")).stdout.decode()
                print(("ok   " if one == two else "FAIL ") + f"listing on two threads {name}")
                ok = ok and one == two
            got_ids = sorted(a["id"] for a in json.loads(listing)["answers"])
            same = got_ids == sorted(want_ids)
            print(("ok   " if same else "FAIL ") + f"listing --contains {needle!r} {name}" +
                  ("" if same else f": hoshi {got_ids[:5]} python {sorted(want_ids)[:5]}"))
            ok = ok and same
sys.exit(0 if ok else 1)
PY
