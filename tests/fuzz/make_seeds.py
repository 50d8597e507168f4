#!/usr/bin/env python3
"""Writes the seed corpora of the fuzz targets, tests/fuzz/corpus_<target>/.

The seeds are committed; run this again (from the repository root) only
when an input format changes:  python3 tests/fuzz/make_seeds.py [HOSHI]
HOSHI (default build/hoshi) makes the .hsd seeds with `hoshi import`.
Each seed is small and valid, so the fuzzer starts from inputs that reach
deep and mutates from there; the first byte of csv, codebook and hsd
seeds is the target's mode byte (see each fuzz_*.c).
"""
import os, re, shutil, subprocess, sys, tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HOSHI = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "hoshi")
TAB = os.path.join(ROOT, "tests", "data", "tab")

# The codebook of tests/fuzz/fixture.h (kept in step by hand: the csv seeds are its data).
FX_CB = ("qid,type,code,label\n"
         "S,SA,,業種\nS,SA,1,製造業\nS,SA,2,\"卸売業,小売業\"\nS,SA,12,その他\n"
         "M,MA,,課題\nM,MA,1,意識が低い\nM,MA,2,予算がない\nM,MA,3,特にない\n"
         "V,NUM,,従業員数\nT,FA,,自由回答\n"
         "G,GRID,,取組み\nG,GRID,item:1,バックアップ\nG,GRID,item:2,規程\n"
         "G,GRID,1,できている\nG,GRID,2,一部\nG,GRID,3,できていない\n"
         "D,DIAG,,自社診断\nD,DIAG,1,実施している\nD,DIAG,2,一部実施している\n"
         "D,DIAG,3,実施していない\nD,DIAG,4,わからない\n")
FX_HEAD = "id,S,M_1,M_2,M_3,V,T,G_1,G_2," + ",".join(f"D_{i}" for i in range(1, 26))


def write(target, name, data):
    d = os.path.join(ROOT, "tests", "fuzz", f"corpus_{target}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode("utf-8"))


def fixture_data():
    """A small data file of the fixture codebook, every type of answer in it."""
    lines = [FX_HEAD]
    rows = [
        ["1", "1", "1", "0", "0", "3", "なし", "1", "2"] + ["1"] * 25,
        ["2", "12", "0", "1", "1", "", '"改善したい, ""早く"""', "3", ""] + ["1", "2", "3", "4"] * 6 + ["4"],
        ["3", "", "0", "0", "0", "-1.5e2", "", "2", "1"] + ["2"] * 25,
        ["4", "2", "1", "1", "1", "10", '"two\nlines"', "", "3"] + ["4", "3", "2", "1"] * 6 + ["1"],
    ]
    for r in rows:
        lines.append(",".join(r))
    return "\n".join(lines) + "\n"


def imported(ext):
    """The fixture survey, tests/data/tab's and its DIAG survey, each
    written by `hoshi import --out x.EXT` (hsd or sav): their bytes."""
    with tempfile.TemporaryDirectory() as tmp:
        def imp(cb, d, name):
            out = os.path.join(tmp, name)
            subprocess.run([HOSHI, "import", "--codebook", cb, "--data", d, "--out", out], check=True)
            return open(out, "rb").read()
        cbp, dp = os.path.join(tmp, "cb.csv"), os.path.join(tmp, "d.csv")
        open(cbp, "w", encoding="utf-8").write(FX_CB)
        open(dp, "w", encoding="utf-8").write(fixture_data())
        return (imp(cbp, dp, "fx." + ext),
                imp(os.path.join(TAB, "cb.csv"), os.path.join(TAB, "data.csv"), "tab." + ext),
                imp(os.path.join(TAB, "diag_cb.csv"), os.path.join(TAB, "diag.csv"), "diag." + ext))


def main():
    for t in ("csv", "codebook", "hsd", "options", "answers", "ini", "form"):
        shutil.rmtree(os.path.join(ROOT, "tests", "fuzz", f"corpus_{t}"), ignore_errors=True)
    data = fixture_data()
    # csv: mode byte (bits 0-1 encoding: 0 auto, 1 UTF-8, 2 CP932; bits 2-5 render flags)
    write("csv", "utf8", b"\x01" + data.encode())
    write("csv", "bom_crlf_en", b"\x04" + b"\xef\xbb\xbf" + data.replace("\n", "\r\n").encode())
    write("csv", "cp932", b"\x02" + data.encode("cp932"))
    write("csv", "auto_sjis_nosig", b"\x08" + data.encode("cp932"))
    write("csv", "header_only", b"\x01" + (FX_HEAD + "\n").encode())
    # codebook: mode byte, codebook, "\n--data--\n", data
    sep = b"\n--data--\n"
    def pair(cb, d, enc=b"\x00"):
        cb = open(os.path.join(TAB, cb), "rb").read()
        d = open(os.path.join(TAB, d), "rb").read()
        return enc + cb.rstrip(b"\n") + sep + d
    write("codebook", "tab", pair("cb.csv", "data.csv"))
    write("codebook", "diag", pair("diag_cb.csv", "diag.csv", b"\x05"))
    write("codebook", "sjis", pair("cb_sjis.csv", "data_sjis.csv", b"\x02"))
    write("codebook", "fixture", b"\x01" + FX_CB.rstrip("\n").encode() + sep + data.encode())
    write("codebook", "codebook_only", b"\x01" + FX_CB.encode())
    # hsd: mode byte (bit 0: write correct checksums first), then the file
    fx, tab, diag = imported("hsd")
    write("hsd", "fixture_fixup", b"\x01" + fx)
    write("hsd", "fixture_raw", b"\x00" + fx)
    write("hsd", "tab_fixup", b"\x03" + tab)
    write("hsd", "diag_fixup", b"\x01" + diag)
    # options: one option a line (see fuzz_options.c)
    for name, text in [
        ("side_all", "s S\nh ALL\n"),
        ("bands", "s V\nb 少=0..9;多=10..;none=..\nh M,G\n"),
        ("net", "s S\nn S:製造・卸=1,2\nh M\nf 0\n"),
        ("net_svg_en", "s S\nn S:ab=1,2\nn M:any=1,2,3\nh D_1,G_2\nf 1\n"),
        ("recode", "s S\nr S:その他以外=1,2\nw M_1=1\no\n"),
        ("where_not", "s D:band\nh D_1,D_2\nw S!=12\nw V=3,10\nt 1\n"),
        ("score_bands", "s D:score\nb low=..50;high=50.5..\nh S,D:star1,D:star2\nf 6\n"),
        ("grid_side", "s G_1\nh G,D\nw D_3!=4\nt 3\nf 8\n"),
    ]:
        write("options", name, text)
    # answers: answer lists, dates, templates, typed text
    for name, text in [
        ("answers", ",".join("1234"[i % 4] for i in range(25))),
        ("answers_spaced", " 1, 1,1,1,1,2,2,2,2,2,3,3,3,3,3,4,4,4,4,4,1,1,1,1,1"),
        ("date", "2026-02-28"),
        ("leap", "2024-02-29"),
        ("template", "{x} and {y} and {z}"),
        ("kanji_blank", "山田\u3000太郎 "),
        ("bidi", "abc\u202edef\u200b"),
        ("multiline", "line one\nline two\tend"),
        ("number", "-1000"),
    ]:
        write("answers", name, text)
    # ini: the real data files that fit the length limit
    for rel in ("data/catalog/items.ini", "data/text/ja/answers.ini", "data/text/ja/tab.ini",
                "data/text/en/ui.ini"):
        p = os.path.join(ROOT, rel)
        if os.path.exists(p):
            write("ini", rel.replace("/", "_"), open(p, "rb").read())
    write("ini", "steps", "[item 1]\nstep = one\nstep = two\n# comment\n\n[other]\nk=v\n")
    # form: url-encoded bodies as browsers send them
    for name, text in [
        ("login", "csrf=0123456789abcdef&email=a%40b.example&password=correct+horse+battery"),
        ("kanji", "name=%E5%B1%B1%E7%94%B0%E3%80%80%E5%A4%AA%E9%83%8E&contact="),
        ("empty_parts", "a=1&&b=2&c&d=%20x%20"),
        ("policy", "csrf=x&org=%E6%98%9F&body=%E5%9F%BA%E6%9C%AC%E6%96%B9%E9%87%9D%0D%0A&save=1"),
    ]:
        write("form", name, text)
    xlsform_seeds()
    sign_seeds()
    sav_seeds()
    namekey_seeds()


def sav_seeds():
    """sav: .sav files as they are (no mode byte): hoshi's own of the fixture
    and of tests/data/tab, and the R-written ones of tests/data/tab/sav."""
    shutil.rmtree(os.path.join(ROOT, "tests", "fuzz", "corpus_sav"), ignore_errors=True)
    for name, blob in zip(("fixture", "tab", "diag"), imported("sav")):
        write("sav", name, blob)
    for name in ("plain", "not_code", "m012", "bad_note"):
        write("sav", "r_" + name, open(os.path.join(TAB, "sav", name + ".sav"), "rb").read())


def xlsform_seeds():
    """xlsform: mode byte 0 then a workbook or a stored definition; mode 1
    then the three CSV sheets with --choices-- and --settings-- lines."""
    forms = os.path.join(ROOT, "tests", "data", "forms")
    write("xlsform", "sample_xlsx", b"\0" + open(os.path.join(forms, "sample.xlsx"), "rb").read())
    for name, d in (("sample", os.path.join(forms, "sample")),
                    ("sa2018", os.path.join(ROOT, "data", "surveys", "sa2018"))):
        sheets = [open(os.path.join(d, f + ".csv"), encoding="utf-8").read()
                  for f in ("survey", "choices", "settings")]
        write("xlsform", name + "_sheets", "\1" + sheets[0] + "--choices--\n" + sheets[1]
              + "--settings--\n" + sheets[2])
        blob = "hoshi-form 1\n"
        for sheet, text in zip(("survey", "choices", "settings"), sheets):
            blob += "sheet %s %d\n%s\n" % (sheet, len(text.encode("utf-8")), text)
        write("xlsform", name + "_blob", "\0" + blob)


def sign_seeds():
    """sign: the public keys JSON of tests/data/sign/, a newline, a token of
    tests/cli/verify.test (made with that key)."""
    shutil.rmtree(os.path.join(ROOT, "tests", "fuzz", "corpus_sign"), ignore_errors=True)
    keys = open(os.path.join(ROOT, "tests", "data", "sign", "keys.json"), encoding="utf-8").read().strip()
    test = open(os.path.join(ROOT, "tests", "cli", "verify.test"), encoding="utf-8").read()
    tokens = re.findall(r"^verify --keys %DATA%/sign/keys.json (hoshi1\.\S+)$", test, re.M)
    write("sign", "active", keys + "\n" + tokens[0])
    write("sign", "withdrawn", keys + "\n" + tokens[1])
    write("sign", "no_keys", '{"keys":[],"x":[1,-2.5e3,true,null,{"a":"\\u00e9"}]}\n' + tokens[0])


def namekey_seeds():
    """namekey: names as people write them, numbers as they type them, and
    data/registry/legal_forms.ini, a NUL, and a name (the table of its own)."""
    shutil.rmtree(os.path.join(ROOT, "tests", "fuzz", "corpus_namekey"), ignore_errors=True)
    for name, text in [("kana", "ｻｸﾗ技研(株)"), ("hira", "株式会社さくら・テック"), ("latin", "ＡＢＣ Solutions ㈱"),
                       ("corpnum", "8999-9000-0000-1"), ("corpnum_wide", "８９９９９０００００００１"),
                       ("form_only", "（一社）"), ("marks", "ﾎﾟﾝﾃﾞﾗｲｵﾝ★ﾟ゛")]:
        write("namekey", name, text)
    forms = open(os.path.join(ROOT, "data", "registry", "legal_forms.ini"), "rb").read()
    write("namekey", "forms", forms + b"\0" + "カブシキガイシャさくら".encode("utf-8"))
    write("namekey", "forms_small", "[forms]\nform = 株式会社 (株) ㈱\nform = 有限会社 (有)\n\0(有)みどり".encode("utf-8"))


if __name__ == "__main__":
    main()
