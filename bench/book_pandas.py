#!/usr/bin/python3
"""pandas side of the book benchmark: read the CSV, build the 200 tables of
book_tables.py (row percentages of each side category with N, the filter,
the net as an added column) and write them with pandas' Excel writer
(XlsxWriter): a contents sheet linking to one sheet per table, each with
its title and base line.  Without XlsxWriter (Debian python3-xlsxwriter,
in DEB_PACKAGES) it writes one CSV per table beside OUT instead and says
so ('writer csv').  Prints 'name seconds' lines.
usage: book_pandas.py DATA.csv OUT.xlsx"""
import os, sys, time
import pandas as pd
from book_tables import TABLES
try:
    import xlsxwriter  # noqa: F401  (pandas' engine)
    WRITER = "xlsx"
except ImportError:
    WRITER = "csv"

path, out = sys.argv[1:3]
t0 = time.perf_counter()
df = pd.read_csv(path)
t1 = time.perf_counter()

built = []
for tid, side, head, ma, where, net in TABLES:
    # only the columns a table reads, then its filter (a whole-frame copy
    # per table would cost pandas ten times as much)
    cols = [c for c in df.columns if c.startswith(head + "_")] if ma else [head]
    d = df[[side] + cols]
    if where is not None:
        d = d[df[where[0]] != where[1]]
    if ma:
        g = d.groupby(side)
        n = g.size()
        t = g[cols].sum().div(n, axis=0) * 100
    else:
        t = pd.crosstab(d[side], d[head].fillna(0), normalize="index") * 100
        n = d.groupby(side).size()
        if net:
            t["top2"] = t.get(1.0, 0) + t.get(2.0, 0)
    t = t.round(1)
    t.insert(0, "N", n)
    base = "all" if where is None else f"{where[0]} != {where[1]}"
    built.append((tid, f"{head} by {side}", f"Base: {base} (n = {len(d):,})", t))
t2 = time.perf_counter()

def write_csvs():
    d = out + ".csv.d"
    os.makedirs(d, exist_ok=True)
    for tid, title, base, t in built:
        t.to_csv(os.path.join(d, tid + ".csv"))


if WRITER == "csv":
    write_csvs()
else:
  with pd.ExcelWriter(out, engine="xlsxwriter") as xw:
      wb = xw.book
      contents = wb.add_worksheet("Contents")
      for i, (tid, title, base, t) in enumerate(built):
          contents.write_url(i + 1, 0, f"internal:'{tid}'!A1", string=tid)
          contents.write(i + 1, 1, title)
          contents.write(i + 1, 2, base)
      for tid, title, base, t in built:
          t.to_excel(xw, sheet_name=tid, startrow=2)
          ws = xw.sheets[tid]
          ws.write(0, 0, title)
          ws.write(len(t) + 4, 0, base)
t3 = time.perf_counter()
print(f"load {t1 - t0:.3f}")
print(f"tables {t2 - t1:.3f}")
print(f"write {t3 - t2:.3f}")
print(f"total {t3 - t0:.3f}")
print(f"writer {WRITER}")
