#!/usr/bin/python3
"""pandas side of the benchmark: CSV load, cross tab S1 x M1 (percent of
each S1 category choosing each M1 code, plus N), and the banner S1 x every
other question (S2..S20 as crosstabs, M1..M10 as grouped sums).  Prints
'name seconds' lines.  usage: pandas_bench.py DATA.csv"""
import sys, time
import pandas as pd

path = sys.argv[1]
t0 = time.perf_counter()
df = pd.read_csv(path)
t1 = time.perf_counter()

def ma_table(side, q):
    cols = [c for c in df.columns if c.startswith(q + "_")]
    g = df.groupby(side, dropna=False)
    n = g.size()
    return (g[cols].sum().div(n, axis=0) * 100).round(1).assign(N=n)

x = ma_table("S1", "M1")
t2 = time.perf_counter()
out = []
for k in range(2, 21):
    out.append(pd.crosstab(df["S1"], df[f"S{k}"].fillna(0), normalize="index"))
for k in range(1, 11):
    out.append(ma_table("S1", f"M{k}"))
t3 = time.perf_counter()
print(f"load {t1 - t0:.3f}")
print(f"crosstab {t2 - t1:.3f}")
print(f"banner {t3 - t2:.3f}")
print(f"csv_to_crosstab {t2 - t0:.3f}")
