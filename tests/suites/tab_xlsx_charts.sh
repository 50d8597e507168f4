#!/usr/bin/env bash
# The native Excel charts of `hoshi tab --format xlsx` (issue 10, part 7),
# read from the workbook's members: one chart per table sheet, of the kind
# of its SVG chart (clustered bars for an MA head by a side, one series per
# row; 100% stacked bars for an SA head by a side and for a GRID, one series
# per answer without nets and the top box; plain bars of a simple
# tabulation; bars of the mean of a NUM head), its series ranges the sheet's
# own cells, placed right of the table.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/hoshi}
d=$here/tests/data/tab
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
"$bin" tab --codebook "$d/rich_cb.csv" --data "$d/rich.csv" --side Q1 --head Q2,Q4,Q3 \
    --net 'Q4:満足計=1,2' --format xlsx --out "$tmp/cross.xlsx" || echo "FAIL xlsx charts: cross table not written"
"$bin" tab --codebook "$d/rich_cb.csv" --data "$d/rich.csv" --head Q2,Q5 --format xlsx \
    --out "$tmp/gt.xlsx" || echo "FAIL xlsx charts: simple tabulation not written"
exec python3 - "$tmp" <<'PY'
import re, sys, zipfile
tmp = sys.argv[1]

def chart(path, i):
    z = zipfile.ZipFile(f"{tmp}/{path}")
    x = z.read(f"xl/charts/chart{i}.xml").decode()
    sers = []
    for s in re.findall(r"<c:ser>(.*?)</c:ser>", x):
        f = re.findall(r"<c:f>([^<]*)</c:f>", s)
        sers.append(tuple(f))    # name, categories, values
    grouping = re.search(r'<c:grouping val="(\w+)"', x).group(1)
    return {"dir": re.search(r'<c:barDir val="(\w+)"', x).group(1), "grouping": grouping,
            "series": sers, "reversed": '<c:catAx><c:axId val="50010001"/><c:scaling><c:orientation val="maxMin"/>' in x,
            "xml": x, "members": z.namelist(), "z": z}

fails = 0
def check(name, ok, got=""):
    global fails
    print(f"ok   {name}" if ok else f"FAIL {name}: {got}")
    fails += not ok

c = chart("cross.xlsx", 1)
check("xlsx charts: one chart per table sheet, a drawing each",
      [m for m in c["members"] if m.startswith("xl/charts/")] == [f"xl/charts/chart{i}.xml" for i in (1, 2, 3)]
      and all(f"xl/worksheets/_rels/sheet{i}.xml.rels" in c["members"] for i in (1, 2, 3)), c["members"])
check("xlsx charts: an MA head by a side is clustered bars, one series per row (the total and 4 categories)",
      c["dir"] == "bar" and c["grouping"] == "clustered" and len(c["series"]) == 5, (c["grouping"], len(c["series"])))
check("xlsx charts: each MA series reads its row of the sheet, the answers as categories",
      c["series"][0] == ("'1_Q2'!$A$5", "'1_Q2'!$C$4:$H$4", "'1_Q2'!$C$5:$H$5")
      and c["series"][4] == ("'1_Q2'!$A$9", "'1_Q2'!$C$4:$H$4", "'1_Q2'!$C$9:$H$9"), c["series"])
check("xlsx charts: categories run top to bottom as in the table (reversed axis), shares 0 to 100",
      c["reversed"] and '<c:max val="100"/><c:min val="0"/>' in c["xml"], "")
c = chart("cross.xlsx", 2)
names = [s[0] for s in c["series"]]
check("xlsx charts: an SA head by a side is 100% stacked bars, one series per answer and 無回答, not the net",
      c["grouping"] == "percentStacked" and names == ["'2_Q4'!$C$4", "'2_Q4'!$D$4", "'2_Q4'!$F$4", "'2_Q4'!$G$4", "'2_Q4'!$H$4"],
      (c["grouping"], names))
check("xlsx charts: each stacked series reads its column down the rows, the rows as categories",
      c["series"][0][1:] == ("'2_Q4'!$A$5:$A$9", "'2_Q4'!$C$5:$C$9"), c["series"][0])
c = chart("cross.xlsx", 3)
check("xlsx charts: a NUM head is bars of the mean per row",
      c["grouping"] == "clustered" and c["series"] == [("'3_Q3'!$C$4", "'3_Q3'!$A$5:$A$9", "'3_Q3'!$C$5:$C$9")]
      and '<c:legendPos' not in c["xml"], c["series"])
d = c["z"].read("xl/drawings/drawing1.xml").decode()
check("xlsx charts: the chart stands right of the table (from column J of a table ending at H), at its header row",
      "<xdr:from><xdr:col>9</xdr:col>" in d and "<xdr:row>3</xdr:row>" in d, d[:400])
c = chart("gt.xlsx", 1)
check("xlsx charts: a simple tabulation is plain bars of the total row, no legend",
      c["grouping"] == "clustered" and c["series"] == [("'1_Q2'!$A$5", "'1_Q2'!$C$4:$H$4", "'1_Q2'!$C$5:$H$5")]
      and "<c:legend>" not in c["xml"], c["series"])
c = chart("gt.xlsx", 2)
check("xlsx charts: a GRID is 100% stacked bars, one per item (not the total row), no top box",
      c["grouping"] == "percentStacked" and len(c["series"]) == 5
      and all(s[1] == "'2_Q5'!$A$6:$A$8" for s in c["series"])
      and "'2_Q5'!$G$4" not in [s[0] for s in c["series"]], c["series"])
check("xlsx charts: the title is the question", "<a:t>Q5 取組み状況</a:t>" in c["xml"], "")
sys.exit(1 if fails else 0)
PY
