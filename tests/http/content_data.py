"""What the HTTP tests of the case studies and support services (issue 13
parts 3, 4) know of the shipped data: the entry files of data/cases and
data/support read the way the server reads them (sections, keys, repeated
keys as lists), so the tests check the pages against the files rather than
against numbers written into the tests, and helpers to make a copy of
data/ with one file changed.
"""
import html, os, shutil, subprocess

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


def rewrite(name, old, new):
    """An edit for refuses(): in file name of the folder, old becomes new."""
    def edit(d):
        path = os.path.join(d, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        assert old in text, old
        with open(path, "w", encoding="utf-8") as f:
            f.write(text.replace(old, new, 1))
    return edit


def line_of(folder, name, start):
    """The line (from 1) of the shipped data/<folder>/<name> starting with start."""
    with open(os.path.join(DATA, folder, name), encoding="utf-8") as f:
        return next(i for i, l in enumerate(f, 1) if l.startswith(start))


def refuses(tmp, folder, name, edit, *messages):
    """A copy of data/ with data/<folder> changed by edit(dir): the server
    stops at start, exit 1, with every message in its error output (the
    copy's path written DATA)."""
    from harness import HOSHI, check
    data = data_copy(tmp, "data-bad")
    edit(os.path.join(data, folder))
    p = subprocess.run([HOSHI, "serve", "--listen", "127.0.0.1:0", "--db", os.path.join(tmp, "bad.db"),
                        "--data-dir", data], capture_output=True, text=True, timeout=60)
    err = p.stderr.replace(data, "DATA")
    check(f"bad {folder} data ({name}): no start, exit 1, '{''.join(messages)}'",
          p.returncode == 1 and all(m in err for m in messages) and "listening" not in p.stdout
          and "Sanitizer" not in err, f"{p.returncode} {err[-500:]}")
