"""What the HTTP tests of the case studies and support services (issue 13
parts 3, 4) know of the shipped data: the entry files of data/cases and
data/support read the way the server reads them (sections, keys, repeated
keys as lists), so the tests check the pages against the files rather than
against numbers written into the tests, and helpers to make a copy of
data/ with one file changed.
"""
import html, os, shutil

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DATA = os.path.join(ROOT, "data")


def read_entry(path):
    """{section: {key: [values]}} of one entry file."""
    out, section = {}, None
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("["):
                section = out.setdefault(line[1:-1].strip(), {})
                continue
            k, v = line.split("=", 1)
            section.setdefault(k.strip(), []).append(v.strip())
    return out


def entries(folder, data=DATA):
    """{id: entry} of data/<folder>/*.ini, by id."""
    d = os.path.join(data, folder)
    return {n[:-4]: read_entry(os.path.join(d, n)) for n in sorted(os.listdir(d)) if n.endswith(".ini")}


def esc(text):
    """text as the server escapes it into HTML."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;")


def data_copy(tmp, name):
    """A fresh copy of data/ under tmp/name; returns its path."""
    d = os.path.join(tmp, name)
    shutil.rmtree(d, ignore_errors=True)
    shutil.copytree(DATA, d)
    return d
