#!/usr/bin/env python3
"""Writes a survey big enough that `hoshi tab` uses its threads:
codebook.csv and data.csv in DIR, ROWS respondents (default 520,000: the
banner is split between two threads from 500,000 rows, hi_tab_parallel_rows
in src/lib/tab/tab.c) and, with a free-text column, a data file over
32 MiB, so the reader parses it on two threads too (hi_tab_parallel_min in
src/lib/tab/ingest.c).  The same rows every time (a fixed generator).
usage: gen_survey.py DIR [ROWS]
"""
import os, random, sys

CODEBOOK = """qid,type,code,label
Q1,SA,,業種
Q1,SA,1,製造業
Q1,SA,2,卸売業
Q1,SA,3,小売業
Q1,SA,4,サービス業
Q1,SA,5,その他
Q2,MA,,課題
Q2,MA,1,意識が低い
Q2,MA,2,予算がない
Q2,MA,3,人材がいない
Q2,MA,4,特にない
Q3,NUM,,従業員数
Q4,FA,,自由回答
Q5,GRID,,取組み状況
Q5,GRID,item:1,バックアップ
Q5,GRID,item:2,規程の策定
Q5,GRID,item:3,教育
Q5,GRID,1,できている
Q5,GRID,2,一部できている
Q5,GRID,3,できていない
Q5,GRID,4,わからない
"""


def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 520000
    rnd = random.Random(7)
    with open(os.path.join(out, "codebook.csv"), "w", encoding="utf-8") as f:
        f.write(CODEBOOK)
    texts = ["", "なし", "特になし", "情報セキュリティの教育を社内で続けたい。", "backup, \"weekly\""]
    pick = rnd.choices
    with open(os.path.join(out, "data.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("id,Q1,Q2_1,Q2_2,Q2_3,Q2_4,Q3,Q4,Q5_1,Q5_2,Q5_3\n")
        lines = []
        q1 = pick(["1", "2", "3", "4", "5", ""], k=rows)
        q3 = [str(rnd.randrange(1, 300)) for _ in range(rows)]
        for i in range(rows):
            m = rnd.getrandbits(4)
            t = f"{texts[i % len(texts)]} {i:012d} 回答"
            if '"' in t or "," in t:
                t = '"' + t.replace('"', '""') + '"'
            g = rnd.getrandbits(6)
            lines.append(f"{i + 1},{q1[i]},{m & 1},{m >> 1 & 1},{m >> 2 & 1},{m >> 3},{q3[i]},"
                         f"{t},{1 + (g & 3)},{1 + (g >> 2 & 3)},{1 + (g >> 4)}\n")
            if len(lines) == 65536:
                f.write("".join(lines))
                lines = []
        f.write("".join(lines))


if __name__ == "__main__":
    main()
