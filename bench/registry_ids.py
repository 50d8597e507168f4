#!/usr/bin/env python3
"""Declaration IDs for the benchmarks' verification-page requests, straight
from a running server's API (50 pages, one prefecture each), written as a
Lua table `ids` for wrk.  Usage: bench/registry_ids.py BASE_URL OUT.lua"""
import json, sys, urllib.request

base, out = sys.argv[1], sys.argv[2]
ids = []
for page in range(1, 51):
    with urllib.request.urlopen(f"{base}/api/v1/declarations?page={page}&prefecture={page % 47 + 1}") as r:
        ids += [i["id"] for i in json.load(r)["items"]]
with open(out, "w") as f:
    f.write("ids = {" + ",".join(f'"{i}"' for i in ids) + "}\n")
