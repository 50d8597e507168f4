#!/usr/bin/env python3
"""Survey submission benchmark (issue 9 item 4; bench/RESULTS.md).

Starts `hoshi serve` (the release build) on a fresh embedded SQLite
database with N demo declarations, seeds the 2018 questionnaire and one
invitation per declaration (tests/http/survey_seed.py), then lets C
concurrent respondents (asyncio, one keep-alive connection each) take
invitations from a shared queue until all are used: each opens its link
(GET /s/TOKEN, which sets the CSRF cookie) and sends a complete response in
one POST with action=submit, which must answer 303.  Reports submitted
responses per second over the whole run and the latency of the submit
POSTs (p50, p99, max), then checks the database holds exactly one response
per invitation, numbered 1..N.

Closed loop (default) measures the most the server can take: 200
respondents always waiting make every request queue behind ~200 others,
so the latency is then the queue (Little's law: 200 / throughput).  With
--rate R the respondents arrive at R per second (open loop) and the
latency is that of a server at that load.

Usage: bench/survey_submit.py [--hoshi build/hoshi] [--responses 6000]
       [--respondents 200] [--threads 2] [--rate R]
"""
import argparse, asyncio, os, re, shutil, sqlite3, subprocess, sys, tempfile, time, urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "http"))
import survey_seed  # noqa: E402


def server_cpu(pid):
    """The server's user + system CPU seconds so far."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def full_body(csrf):
    pairs = []
    for page in survey_seed.FULL:
        for k, v in page.items():
            for x in (v if isinstance(v, list) else [v]):
                pairs.append((k, x))
    pairs += [("page", "7"), ("action", "submit"), ("csrf", csrf)]
    return urllib.parse.urlencode(pairs).encode()


async def read_response(reader):
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    m = re.search(rb"\r\ncontent-length:\s*(\d+)", head, re.I)
    body = await reader.readexactly(int(m.group(1))) if m else b""
    return status, head, body


async def respondent(port, queue, lat, errors, pace):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while True:
            try:
                i, token = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if pace is not None:  # open loop: respondent i arrives at t0 + i / rate
                delay = pace[0] + i / pace[1] - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
            path = "/s/" + token
            writer.write(f"GET {path} HTTP/1.1\r\nHost: b\r\n\r\n".encode())
            status, head, body = await read_response(reader)
            m = re.search(rb"hoshi_csrf=([0-9a-f]{64})", head)
            if status != 200 or not m:
                errors.append(f"GET {status}")
                continue
            csrf = m.group(1).decode()
            data = full_body(csrf)
            t0 = time.perf_counter()
            writer.write(f"POST {path} HTTP/1.1\r\nHost: b\r\nCookie: hoshi_csrf={csrf}\r\n"
                         f"Content-Type: application/x-www-form-urlencoded\r\n"
                         f"Content-Length: {len(data)}\r\n\r\n".encode() + data)
            status, head, body = await read_response(reader)
            lat.append(time.perf_counter() - t0)
            if status != 303:
                errors.append(f"POST {status}")
    finally:
        writer.close()


async def run(port, tokens, conc, rate):
    queue = asyncio.Queue()
    for i, t in enumerate(tokens):
        queue.put_nowait((i, t))
    lat, errors = [], []
    t0 = time.perf_counter()
    pace = (t0, rate) if rate else None
    await asyncio.gather(*(respondent(port, queue, lat, errors, pace) for _ in range(conc)))
    return time.perf_counter() - t0, lat, errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hoshi", default=os.path.join(ROOT, "build", "hoshi"))
    ap.add_argument("--responses", type=int, default=6000)
    ap.add_argument("--respondents", type=int, default=200)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--rate", type=float, default=0,
                    help="open loop: respondents arrive at this many per second (0: as fast as answered)")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="hoshi-bench-survey-")
    db = os.path.join(tmp, "bench.db")
    err = open(os.path.join(tmp, "err"), "w")
    srv = subprocess.Popen([a.hoshi, "serve", "--listen", "127.0.0.1:0", "--db", db, "--demo",
                            "--demo-count", str(a.responses), "--threads", str(a.threads),
                            "--max-connections", "4000", "--conn-per-ip", str(a.respondents + 50)],
                           stdout=subprocess.PIPE, stderr=err, text=True)
    try:
        line = srv.stdout.readline()
        port = int(re.search(r":(\d+)/", line).group(1))
        sid = survey_seed.create(db, hoshi=a.hoshi)
        tokens = [t for _, t in survey_seed.invite(db, sid, hoshi=a.hoshi)][:a.responses]
        print(f"hoshi serve ({a.threads} threads), {len(tokens)} invitations, {a.respondents} concurrent respondents"
              + (f", arriving at {a.rate:,.0f}/s" if a.rate else ", each sending as soon as answered"))
        cpu0, client0 = server_cpu(srv.pid), time.process_time()
        wall, lat, errors = asyncio.run(run(port, tokens, a.respondents, a.rate))
        cpu, client = server_cpu(srv.pid) - cpu0, time.process_time() - client0
        lat.sort()
        q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))] * 1000
        ok = len(lat) - sum(1 for e in errors if e.startswith("POST"))
        print(f"submitted {ok} responses in {wall:.2f} s: {ok / wall:,.0f} responses/s "
              f"(each with its GET: {2 * len(lat) / wall:,.0f} requests/s)")
        print(f"submit latency: p50 {q(0.50):.1f} ms, p99 {q(0.99):.1f} ms, max {lat[-1] * 1000:.1f} ms")
        print(f"CPU: server {cpu:.2f} s ({cpu / len(lat) * 1000:.2f} ms per respondent, GET and submit),"
              f" this client {client:.2f} s, over {wall:.2f} s on {os.cpu_count()} CPUs")
        con = sqlite3.connect(db)
        n, lo, hi = con.execute("SELECT count(*), min(respondent), max(respondent) FROM responses"
                                " WHERE survey_id = ? AND respondent IS NOT NULL", (sid,)).fetchone()
        con.close()
        print(f"errors: {len(errors)} {sorted(set(errors))[:5]}; stored {n} responses numbered {lo}..{hi}")
        good = not errors and n == len(tokens) and lo == 1 and hi == n
        print("result:", "ok" if good else "FAILED")
        return 0 if good else 1
    finally:
        srv.terminate()
        srv.wait()
        err.close()
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
