#!/usr/bin/env python3
"""Signed declarations (issue 11, part 5).

The JSON API's declarations carry a token in `signed`; GET /api/v1/keys
publishes the public keys; `hoshi verify --keys` accepts a token from the
API and the link of a QR code offline, prints the signed facts (the same
as the API's), and refuses a token with any byte changed and a token whose
key is not published.  The key file is made at the first start, mode 0600,
never in the log; a withdrawal changes the token and its QR code; after
`hoshi keys rotate` and a restart new tokens name the new key and the old
tokens still verify against the published keys.
"""
import ctypes, ctypes.util, json, os, re, stat, subprocess, sys, tempfile, urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness
from harness import HOSHI, Client, check, start


def verify(keys, token):
    p = subprocess.run([HOSHI, "verify", "--keys", keys, token], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def save_keys(c, tmp, name):
    r = c.get("/api/v1/keys")
    path = os.path.join(tmp, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(r.body)
    return r, path


def first_active(c):
    r = c.get("/api/v1/declarations")
    items = json.loads(r.body)["items"]
    return items


class QRcode(ctypes.Structure):
    _fields_ = [("version", ctypes.c_int), ("width", ctypes.c_int), ("data", ctypes.POINTER(ctypes.c_ubyte))]


def qr_modules(text):
    """The dark modules of text's QR code as libqrencode makes it (level M,
    8-bit mode, as src/lib/registry/qr.c asks), or None without the library."""
    name = ctypes.util.find_library("qrencode")
    if not name:
        return None
    lib = ctypes.CDLL(name)
    lib.QRcode_encodeString.restype = ctypes.POINTER(QRcode)
    lib.QRcode_encodeString.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.QRcode_free.argtypes = [ctypes.POINTER(QRcode)]
    q = lib.QRcode_encodeString(text.encode(), 0, 1, 2, 1)
    if not q:
        return None
    w = q.contents.width
    dark = {(x, y) for y in range(w) for x in range(w) if q.contents.data[y * w + x] & 1}
    lib.QRcode_free(q)
    return dark


def svg_modules(svg):
    """The dark modules drawn by a QR code SVG (M x y h1v1h-1z, quiet zone of 4)."""
    return {(int(x) - 4, int(y) - 4) for x, y in re.findall(r"M(\d+) (\d+)h1v1h-1z", svg)}


def tamper(token, i):
    c = token[i]
    return token[:i] + ("B" if c != "B" else "C") + token[i + 1:]


def main():
    tmp = tempfile.mkdtemp(prefix="hoshi-signed-")
    db = os.path.join(tmp, "signed.db")
    keyfile = db + ".keys"
    # --no-cache: a withdrawal below is written to the database directly.
    server, port = start(db, ["--demo", "--demo-count", "6", "--no-cache"])
    old_token = ""
    try:
        check("key file made at first start, mode 0600",
              os.path.exists(keyfile) and stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600)
        c = Client(port)
        r, keys = save_keys(c, tmp, "keys.json")
        doc = json.loads(r.body)
        check("GET /api/v1/keys is JSON with one Ed25519 key",
              r.status == 200 and r.getheader("Content-Type", "").startswith("application/json")
              and len(doc["keys"]) == 1 and doc["keys"][0]["algorithm"] == "Ed25519"
              and re.fullmatch(r"[0-9a-f]{16}", doc["keys"][0]["id"])
              and re.fullmatch(r"[A-Za-z0-9_-]{43}", doc["keys"][0]["public_key"])
              and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", doc["keys"][0]["created"])
              and doc["keys"][0]["retired"] is None, r.body)
        with open(keyfile, encoding="utf-8") as f:
            seed = f.read().split("\n")[2].split(" ")[5]
        check("the keys endpoint never shows a secret", seed not in r.body and "seed" not in r.body.lower())
        kid = doc["keys"][0]["id"]

        items = first_active(c)
        check("every declaration of the API carries a token",
              items and all(re.fullmatch(r"hoshi1\.[0-9a-f]{16}\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{86}", d["signed"])
                            for d in items), items[:1])
        d = items[0]
        one = json.loads(c.get(f"/api/v1/declarations/{d['id']}").body)
        check("one declaration carries the same token as the list", one["signed"] == d["signed"])
        old_token = token = d["signed"]
        rc, out, err = verify(keys, token)
        got = json.loads(out) if rc == 0 else {}
        decl = got.get("declaration", {})
        check("hoshi verify accepts the API's token, exit 0", rc == 0 and got.get("valid") is True, err)
        check("the verified facts are the API's",
              decl.get("id") == d["id"] and decl.get("level") == d["level"]
              and decl.get("organization") == d["organization"]
              and decl.get("corporate_number") == d["corporate_number"]
              and decl.get("declared_at") == d["declared_at"] and decl.get("status") == "active"
              and decl.get("withdrawn_at") is None and decl.get("key_id") == kid, out)

        # Every byte changed, one at a time: always exit 1.
        bad = [i for i in range(len(token)) if verify(keys, tamper(token, i))[0] != 1]
        check("a token with any one byte changed fails, exit 1", not bad, bad[:10])
        rc, out, err = verify(keys, token[:-1])
        check("a cut token fails", rc == 1 and out == "" and "invalid" in err, err)

        # The QR code's link carries the token, and hoshi verify takes it.
        qr = c.get(f"/qr/{d['id']}.svg")
        link = f"http://127.0.0.1:{port}/verify/{d['id']}?sig={token}"
        rc, out, _ = verify(keys, link)
        check("hoshi verify takes the QR code's link", rc == 0 and json.loads(out)["declaration"]["id"] == d["id"])
        want = qr_modules(link)
        check("the QR code encodes the verification link with the token",
              want is not None and svg_modules(qr.body) == want, f"{len(want or ())} modules wanted")
        check("the QR code is not the bare link", svg_modules(qr.body) != qr_modules(link.split("?")[0]))
        r = c.get(f"/verify/{d['id']}?sig={urllib.parse.quote(token)}")
        check("the QR code's link opens the verification page", r.status == 200 and "verdict active" in r.body,
              r.status)

        # An unknown key: a key set without the signer.
        other = os.path.join(tmp, "other.json")
        subprocess.run([HOSHI, "keys", "rotate", "--key-file", os.path.join(tmp, "other.keys")],
                       capture_output=True, timeout=60)
        with open(other, "w") as f:
            f.write(subprocess.run([HOSHI, "keys", "export", "--key-file", os.path.join(tmp, "other.keys")],
                                   capture_output=True, text=True, timeout=60).stdout)
        rc, out, err = verify(other, token)
        check("a token of a key not published fails, exit 1", rc == 1 and out == "" and kid in err, err)
        rc, _, err = verify(os.path.join(tmp, "missing.json"), token)
        check("an unreadable keys file is exit 2", rc == 2, err)
        rc, _, err = verify(keys, "")
        check("an empty token fails", rc == 1, err)

        # A withdrawal changes the token (and the QR code).
        con = harness.connect(db)
        con.execute("UPDATE declarations SET status = 0, withdrawn_on = '2026-06-01' WHERE id = ?", (d["id"],))
        con.commit()
        con.close()
        w = json.loads(c.get(f"/api/v1/declarations/{d['id']}").body)
        check("a withdrawal changes the token", w["status"] == "withdrawn" and w["signed"] != token)
        rc, out, _ = verify(keys, w["signed"])
        wd = json.loads(out)["declaration"] if rc == 0 else {}
        check("the withdrawn token verifies as withdrawn",
              wd.get("status") == "withdrawn" and wd.get("withdrawn_at") == "2026-06-01", out)
        wqr = c.get(f"/qr/{d['id']}.svg").body
        check("a withdrawal changes the QR code to the new token's",
              wqr != qr.body and svg_modules(wqr) == qr_modules(f"http://127.0.0.1:{port}/verify/{d['id']}?sig={w['signed']}"))
        check("the token is not in the log", token not in server.log() and seed not in server.log())
    finally:
        server.stop_checked()

    # Rotation: the old token still verifies, new tokens name the new key.
    p = subprocess.run([HOSHI, "keys", "rotate", *harness.db_args(db)], capture_output=True, text=True, timeout=60)
    m = re.search(r"([0-9a-f]{16}) now signs", p.stdout)
    check("hoshi keys rotate names the new key", p.returncode == 0 and m, p.stdout + p.stderr)
    new_kid = m.group(1) if m else ""
    check("the key file stays 0600 after rotation", stat.S_IMODE(os.stat(keyfile).st_mode) == 0o600)
    server, port = start(db, ["--no-cache"])
    try:
        c = Client(port)
        r, keys2 = save_keys(c, tmp, "keys2.json")
        doc = json.loads(r.body)
        ids = [k["id"] for k in doc["keys"]]
        check("both keys published, the old one retired",
              len(ids) == 2 and ids[1] == new_kid and doc["keys"][0]["retired"] is not None
              and doc["keys"][1]["retired"] is None, r.body)
        items = first_active(c)
        check("new tokens are signed by the new key", items and all(t["signed"].split(".")[1] == new_kid
                                                                   for t in items))
        check("a new token verifies", verify(keys2, items[0]["signed"])[0] == 0)
        rc, out, err = verify(keys2, old_token)
        check("the old token still verifies after rotation", rc == 0, err)
        rc, _, _ = verify(keys, items[0]["signed"])
        check("the old key set does not know the new key", rc == 1)
    finally:
        server.stop_checked("after rotation")
    return 1 if harness.failures else 0


if __name__ == "__main__":
    sys.exit(main())
