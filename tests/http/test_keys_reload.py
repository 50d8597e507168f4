#!/usr/bin/env python3
"""The signing keys rotated while the server runs (issue 11 part 5,
leftovers): `hoshi keys rotate` replaces the key file and the running
server — its page cache on — signs with the new key from the next request
(no restart), publishes both keys, and old tokens still verify; a key file
broken while it runs is logged and the keys in force stay.  The
verification page tells, in both languages, how to check a printed QR code
offline with `hoshi verify --keys`.  Prints 'ok NAME' / 'FAIL NAME'.
"""
import json, os, re, shutil, subprocess, sys, tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, start


def verify(keys, token):
    p = subprocess.run([HOSHI, "verify", "--keys", keys, token], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def save(tmp, name, body):
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(body)
    return path


def kid(token):
    return token.split(".")[1]


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-keys-")
    db = os.path.join(tmp, "k.db")
    keyfile = db + ".keys"
    server, port = start(db, ["--demo", "--demo-count", "3"])
    try:
        c = Client(port)
        keys1 = json.loads(c.get("/api/v1/keys").body)
        check("one key at start", len(keys1["keys"]) == 1, keys1)
        k1 = keys1["keys"][0]["id"]
        items = json.loads(c.get("/api/v1/declarations").body)["items"]
        did = items[0]["id"]
        old = json.loads(c.get(f"/api/v1/declarations/{did}").body)["signed"]
        check("tokens name the first key", kid(old) == k1 and all(kid(i["signed"]) == k1 for i in items))
        # read twice: cached
        c.get(f"/api/v1/declarations/{did}")
        page = c.get(f"/verify/{did}").body
        qr_before = c.get(f"/qr/{did}.svg").body

        p = subprocess.run([HOSHI, "keys", "rotate", *harness.db_args(db)], capture_output=True, text=True, timeout=60)
        m = re.search(r"([0-9a-f]{16}) now signs", p.stdout)
        check("rotated while the server runs", p.returncode == 0 and m, p.stdout + p.stderr)
        k2 = m.group(1) if m else "?"
        r = c.get("/api/v1/keys")
        doc = json.loads(r.body)
        ids = [k["id"] for k in doc["keys"]]
        check("the running server publishes both keys, the old one retired", ids == [k1, k2]
              and doc["keys"][0]["retired"] is not None and doc["keys"][1]["retired"] is None, r.body)
        keys2 = save(tmp, "keys2.json", r.body)
        new = json.loads(c.get(f"/api/v1/declarations/{did}").body)["signed"]
        check("the cached declaration is signed again, by the new key", kid(new) == k2 and new != old, new)
        check("the list too", all(kid(i["signed"]) == k2
                                  for i in json.loads(c.get("/api/v1/declarations").body)["items"]))
        check("the new token verifies", verify(keys2, new)[0] == 0)
        check("the old token still verifies", verify(keys2, old)[0] == 0)
        qr = c.get(f"/qr/{did}.svg")
        check("the cached QR code is made again, from the new token", qr.status == 200 and qr.body != qr_before)
        check("the server logged the reload", re.search(r"event=keys_reloaded .*signer=\"?" + k2, server.log())
              is not None, server.log()[-1500:])

        # A broken key file: logged, the keys in force stay.
        broken = keyfile + ".tmp"
        with open(broken, "w") as f:
            f.write("not a key file\n")
        os.chmod(broken, 0o600)
        os.rename(broken, keyfile)
        r = c.get(f"/api/v1/declarations/{did}")
        check("a broken key file: the keys in force still sign", r.status == 200
              and kid(json.loads(r.body)["signed"]) == k2, r.body[:300])
        check("a broken key file is logged once", server.log().count("event=keys_reload_failed") == 1,
              server.log()[-1500:])
        c.get("/api/v1/keys")
        check("and not again for the same file", server.log().count("event=keys_reload_failed") == 1)
        check("the keys page still serves both keys", [k["id"] for k in json.loads(c.get("/api/v1/keys").body)["keys"]]
              == [k1, k2])

        # The verification page: how to check a printed QR code offline.
        check("verify page: offline check explained (ja)", "ネットワークなしで確かめる" in page
              and "hoshi verify --keys keys.json" in page and 'href="/api/v1/keys"' in page, page[-2500:])
        en = Client(port)
        en.cookies["hoshi_lang"] = "en"
        body = en.get(f"/verify/{did}").body
        check("verify page: offline check explained (en)", "Checking a printed QR code without the network" in body
              and "hoshi verify --keys keys.json" in body and "&quot;the link read from the QR code&quot;" in body,
              body[-2500:])
    finally:
        server.stop_checked()
        shutil.rmtree(tmp, ignore_errors=True)
    sys.exit(1 if harness.failures else 0)


if __name__ == "__main__":
    main()
