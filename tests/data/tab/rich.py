# Generates tests/data/tab/rich_cb.csv and rich.csv: 200 respondents with
# bases large enough for significance marks (up and down, 95% and 99%), one
# small side category, blanks in every head type, labels needing escapes.
import random, csv, sys, os
out = sys.argv[1]
r = random.Random(8)
cb = [["qid","type","code","label"],
 ["Q1","SA","","業種"],["Q1","SA","1","製造業"],["Q1","SA","2","卸売業,小売業"],["Q1","SA","3","サービス業"],["Q1","SA","4","その他"],
 ["Q2","MA","","課題 <a|b> & \"c\""],["Q2","MA","1","意識が低い"],["Q2","MA","2","予算がない"],["Q2","MA","3","人材 *不足* [要確認]"],["Q2","MA","4","その他"],["Q2","MA","5","特にない"],
 ["Q3","NUM","","従業員数"],
 ["Q4","SA","","満足度"],["Q4","SA","1","満足"],["Q4","SA","2","やや満足"],["Q4","SA","3","やや不満"],["Q4","SA","4","不満"],
 ["Q5","GRID","","取組み状況"],["Q5","GRID","item:1","バックアップ"],["Q5","GRID","item:2","規程の策定"],["Q5","GRID","item:3","教育"],
 ["Q5","GRID","1","ほぼ実践できている"],["Q5","GRID","2","十分ではないが実践している"],["Q5","GRID","3","実践できていない"],["Q5","GRID","4","わからない"],
 ["Q6","FA","","自由回答"],
 ["Q80","DIAG","","情報セキュリティ自社診断"],["Q80","DIAG","1","実施している"],["Q80","DIAG","2","一部実施している"],["Q80","DIAG","3","実施していない"],["Q80","DIAG","4","わからない"]]
with open(os.path.join(out, "rich_cb.csv"), "w", newline="", encoding="utf-8") as f:
    csv.writer(f, lineterminator="\n").writerows(cb)
sizes = {1: 80, 2: 70, 3: 40, 4: 10}
hdr = ["id","Q1"] + [f"Q2_{c}" for c in range(1,6)] + ["Q3","Q4"] + [f"Q5_{i}" for i in range(1,4)] + ["Q6"] + [f"Q80_{i}" for i in range(1,26)]
rows = []
i = 0
for g, n in sizes.items():
    for _ in range(n):
        i += 1
        row = [str(i), str(g)]
        p = {1: [.7,.2,.3,.1,.05], 2: [.3,.6,.3,.1,.1], 3: [.4,.4,.1,.2,.3], 4: [.5,.5,.5,.5,.0]}[g]
        if r.random() < .08:
            ma = ["", "", "", "", ""] if r.random() < .5 else ["0"]*5
        else:
            ma = ["1" if r.random() < q else "0" for q in p]
        row += ma
        row.append("" if r.random() < .1 else str(r.choice([1, 2.5, 3, 7, 12, 30, 55.25, 120, 0, 5.25]) * (g if g < 4 else 1)))
        w = {1: [6,2,1,1], 2: [1,2,3,4], 3: [2,3,2,1], 4: [1,1,1,1]}[g]
        row.append("" if r.random() < .07 else str(r.choices([1,2,3,4], w)[0]))
        for it in range(3):
            row.append("" if r.random() < .05 else str(r.choices([1,2,3,4], [w[0]+it, 2, 2, 1])[0]))
        row.append(r.choice(["", "", "なし", "改善したい, \"早く\""]))
        blank = r.random() < .1
        lvl = {1: [8,2,1,1], 2: [3,3,2,1], 3: [2,3,3,1], 4: [1,1,1,1]}[g]
        for it in range(25):
            row.append("" if blank and it == 7 else str(r.choices([1,2,3,4], lvl)[0]))
        rows.append(row)
r.shuffle(rows)
with open(os.path.join(out, "rich.csv"), "w", newline="", encoding="utf-8") as f:
    w_ = csv.writer(f, lineterminator="\n"); w_.writerow(hdr); w_.writerows(rows)
