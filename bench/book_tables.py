#!/usr/bin/python3
"""The 200 tables of the book benchmark, one definition for both tools:
writes the hoshi table book (book.ini) and prints nothing, or, imported,
gives TABLES: (id, side, head, head_is_ma, where, net) for pandas.  Sides
S1..S5; heads S6..S20 and M1..M10 by turns; every other table on the base
"S20 != 1" (S19 when S20 is the head); every fourth SA table with a net of
codes 1 and 2.  usage: book_tables.py CODEBOOK DATA BOOK.ini"""
import sys

SIDES = [f"S{k}" for k in range(1, 6)]
HEADS = [f"S{k}" for k in range(6, 21)] + [f"M{k}" for k in range(1, 11)]


def tables(n=200):
    out = []
    for k in range(n):
        side = SIDES[k % len(SIDES)]
        head = HEADS[k % len(HEADS)]
        ma = head.startswith("M")
        where = None
        if k % 2 == 1:
            where = ("S19" if head == "S20" else "S20", 1)
        net = (k % 8 == 0 and not ma)
        out.append((f"T{k + 1:03d}", side, head, ma, where, net))
    return out


TABLES = tables()

if __name__ == "__main__":
    codebook, data, path = sys.argv[1:4]
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"[book]\ntitle = 200 tables\ncodebook = {codebook}\ndata = {data}\n")
        for tid, side, head, ma, where, net in TABLES:
            f.write(f"\n[table {tid}]\ntitle = {head} by {side}\nside = {side}\nhead = {head}\n")
            if where:
                f.write(f"where = {where[0]}!={where[1]}\n")
            if net:
                f.write(f"net = {head}:top2=1,2\n")
