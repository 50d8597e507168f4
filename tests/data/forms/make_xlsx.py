#!/usr/bin/env python3
"""Writes the .xlsx test workbooks of tests/data/forms/ from CSV-sheet
directories, by hand (zipfile), so each feature of the reader is exercised on
purpose: sheets found by name (written in the order choices, settings, survey,
so position would be wrong), text as shared strings (one with a phonetic run
that must not show) and as inline strings, numbers as numbers, sparse cells
(empty ones left out) and a blank row.  Also the hostile ones: a zip bomb, a
DOCTYPE, a workbook without a survey sheet.  usage: make_xlsx.py (in place)"""
import csv, io, os, zipfile
from xml.sax.saxutils import escape

HERE = os.path.dirname(os.path.abspath(__file__))

def col(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s

def sheet_xml(rows, strings, inline_every=3):
    out = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
           '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>']
    r = 0
    for i, row in enumerate(rows):
        r += 1
        if i == 2:
            r += 1  # a blank row: the row numbers the user sees skip it
        cells = []
        for j, v in enumerate(row):
            if v == "":
                continue  # sparse: empty cells are not written
            ref = f"{col(j + 1)}{r}"
            if v.isdigit() and i > 0:
                cells.append(f'<c r="{ref}"><v>{v}</v></c>')
            elif (i + j) % inline_every == 0:
                cells.append(f'<c r="{ref}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
            else:
                if v not in strings:
                    strings.append(v)
                cells.append(f'<c r="{ref}" t="s"><v>{strings.index(v)}</v></c>')
        out.append(f'<row r="{r}">' + "".join(cells) + "</row>")
    out.append("</sheetData></worksheet>")
    return "".join(out)

def shared_xml(strings):
    items = []
    for s in strings:
        if s == "はい":  # a phonetic run (furigana) is not part of the text
            items.append("<si><r><t>は</t></r><r><t>い</t></r><rPh sb=\"0\" eb=\"1\"><t>ハイ</t></rPh></si>")
        else:
            items.append(f"<si><t xml:space=\"preserve\">{escape(s)}</t></si>")
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}">'
            + "".join(items) + "</sst>")

def workbook(path, sheets, extra=None, doctype=False):
    strings = []
    names = list(sheets)
    z = zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED)
    z.writestr("[Content_Types].xml", '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
    z.writestr("_rels/.rels", '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    wb = ['<?xml version="1.0" encoding="UTF-8"?>']
    if doctype:
        wb.append('<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">]>')
    wb.append('<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
              'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>')
    rels = ['<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    for i, name in enumerate(names, 1):
        wb.append(f'<sheet name="{name}" sheetId="{i}" r:id="rId{i + 10}"/>')
        target = f"worksheets/sheet{i}.xml" if i % 2 else f"/xl/worksheets/sheet{i}.xml"
        rels.append(f'<Relationship Id="rId{i + 10}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="{target}"/>')
        z.writestr(f"xl/worksheets/sheet{i}.xml", sheet_xml(sheets[name], strings))
    wb.append("</sheets></workbook>")
    rels.append("</Relationships>")
    z.writestr("xl/workbook.xml", "".join(wb))
    z.writestr("xl/_rels/workbook.xml.rels", "".join(rels))
    z.writestr("xl/sharedStrings.xml", shared_xml(strings))
    for name, data in (extra or {}).items():
        z.writestr(name, data)
    z.close()

def read_dir(d):
    out = {}
    for name in ("choices", "settings", "survey"):
        with open(os.path.join(d, name + ".csv"), encoding="utf-8") as f:
            out[name] = list(csv.reader(f))
    return out

def main():
    sample = read_dir(os.path.join(HERE, "sample"))
    workbook(os.path.join(HERE, "sample.xlsx"), sample)
    workbook(os.path.join(HERE, "doctype.xlsx"), sample, doctype=True)
    workbook(os.path.join(HERE, "nosurvey.xlsx"), {"choices": sample["choices"], "Sheet1": sample["survey"]})
    big = dict(sample)
    bomb = os.path.join(HERE, "bomb.xlsx")
    workbook(bomb, {"choices": sample["choices"], "settings": sample["settings"]},
             extra={"xl/worksheets/sheet9.xml": "<worksheet>" + " " * (20 << 20) + "</worksheet>"})
    # point a survey sheet at the 20 MB part
    with zipfile.ZipFile(bomb) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    parts["xl/workbook.xml"] = parts["xl/workbook.xml"].replace(b"</sheets>", b'<sheet name="survey" sheetId="9" r:id="rId99"/></sheets>')
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", b'<Relationship Id="rId99" Type="x" Target="worksheets/sheet9.xml"/></Relationships>')
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in parts.items():
            z.writestr(n, d)
    del big
    # an error in the row the user sees as 5 (row 3 of the CSV, after the blank row)
    bad = read_dir(os.path.join(HERE, "sample"))
    bad["survey"][3][0] = "select_one nolist"
    workbook(os.path.join(HERE, "badlist.xlsx"), bad)

if __name__ == "__main__":
    main()
