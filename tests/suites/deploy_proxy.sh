#!/usr/bin/env bash
# nginx in front of `hoshi serve` as docs/deploy.md sets it up (issue 12
# part 5): the guide's nginx block, taken from the guide itself with only
# ports, addresses and certificate paths substituted, runs in a real nginx
# with a certificate made here, in front of hoshi with the guide's options
# (--base-url https://…, --secure-cookies, --trust-proxy 127.0.0.1).
# Clients connect from 127.0.0.5 and 127.0.0.6, so hoshi can tell them
# apart only through the proxy's X-Forwarded-For.  Prints ok/FAIL lines.
set -u
here=$(cd "$(dirname "$0")/../.." && pwd)
bin=${HOSHI:-$here/build/san/hoshi}
tmp=$(mktemp -d)
nginx_pid= hoshi_pid=
cleanup() {
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null
  [ -n "$hoshi_pid" ] && kill "$hoshi_pid" 2>/dev/null
  wait 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
check() { if eval "$2"; then echo "ok   $1"; else echo "FAIL $1"; fi; }
nginx=$(command -v nginx || echo /usr/sbin/nginx)
[ -x "$nginx" ] || { echo "FAIL deploy proxy: no nginx (Debian package nginx)"; exit 1; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# --- hoshi with the guide's options (a spool folder instead of SMTP; one sign-up an hour per client)
mkdir -p "$tmp/mail" "$tmp/ngx/temp"
"$bin" serve --listen 127.0.0.1:0 --db "$tmp/hoshi.db" --threads 2 --base-url https://registry.example.jp \
  --secure-cookies --trust-proxy 127.0.0.1 --conn-per-ip 4000 --signup-limit 1 --mail-dir "$tmp/mail" \
  >"$tmp/hoshi.out" 2>"$tmp/hoshi.log" &
hoshi_pid=$!
hport=
for _ in $(seq 600); do
  hport=$(sed -n 's|^hoshi serve: listening on http://127.0.0.1:\([0-9]*\)/$|\1|p' "$tmp/hoshi.out")
  [ -n "$hport" ] && break
  sleep 0.1
done
[ -n "$hport" ] || { echo "FAIL deploy proxy: hoshi did not start: $(tail -c 1000 "$tmp/hoshi.log")"; exit 1; }

# --- the certificate, and the guide's nginx block
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj /CN=registry.example.jp \
  -addext subjectAltName=DNS:registry.example.jp -keyout "$tmp/ngx/key.pem" -out "$tmp/ngx/cert.pem" 2>/dev/null
http_port=$(free_port) https_port=$(free_port)
sed -n '/^<!-- deploy_proxy.sh runs the next block/,/^```$/p' "$here/docs/deploy.md" | sed '1,2d;$d' >"$tmp/ngx/guide.conf"
sed -e "s|server 127.0.0.1:8080;|server 127.0.0.1:$hport;|" \
    -e "s|listen 80;|listen 127.0.0.1:$http_port;|" \
    -e "s|listen 443 ssl http2;|listen 127.0.0.1:$https_port ssl http2;|" \
    -e '/listen \[::\]/d' \
    -e "s|/etc/letsencrypt/live/registry.example.jp/fullchain.pem|$tmp/ngx/cert.pem|" \
    -e "s|/etc/letsencrypt/live/registry.example.jp/privkey.pem|$tmp/ngx/key.pem|" \
    "$tmp/ngx/guide.conf" >"$tmp/ngx/hoshi.conf"
check "the guide's block found and only ports, addresses and certificates changed" \
  '[ "$(grep -c "proxy_set_header X-Forwarded-For \$remote_addr;" "$tmp/ngx/hoshi.conf")" = 1 ] &&
   [ "$(diff "$tmp/ngx/guide.conf" "$tmp/ngx/hoshi.conf" | grep -c "^>")" = 5 ]'
# as root, nginx's workers would otherwise run as nobody, who cannot enter $tmp
user=$([ "$(id -u)" = 0 ] && echo "user root root;")
cat >"$tmp/ngx/nginx.conf" <<EOF
$user
worker_processes 1;
pid $tmp/ngx/nginx.pid;
error_log $tmp/ngx/error.log info;
events { worker_connections 256; }
http {
    client_body_temp_path $tmp/ngx/temp/body;
    proxy_temp_path $tmp/ngx/temp/proxy;
    fastcgi_temp_path $tmp/ngx/temp/fastcgi;
    uwsgi_temp_path $tmp/ngx/temp/uwsgi;
    scgi_temp_path $tmp/ngx/temp/scgi;
    access_log $tmp/ngx/access.log;
    include $tmp/ngx/hoshi.conf;
}
EOF
"$nginx" -t -q -e "$tmp/ngx/error.log" -p "$tmp/ngx" -c "$tmp/ngx/nginx.conf" >"$tmp/ngx/t.out" 2>&1
check "nginx -t accepts the guide's block" '[ $? = 0 ]' || sed 's/^/  /' "$tmp/ngx/t.out"
"$nginx" -e "$tmp/ngx/error.log" -p "$tmp/ngx" -c "$tmp/ngx/nginx.conf" -g 'daemon off;' 2>>"$tmp/ngx/stderr" &
nginx_pid=$!
for _ in $(seq 100); do
  python3 -c 'import socket,sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$https_port" 2>/dev/null && break
  sleep 0.1
done

# --- through the proxy
PYTHONPATH=$here/tests/http python3 - "$http_port" "$https_port" "$tmp" <<'PY'
import glob, http.client, os, re, socket, ssl, sys, time, urllib.parse
from harness import Client, check
http_port, https_port, tmp = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
HOST = "registry.example.jp"
ctx = ssl.create_default_context(cafile=os.path.join(tmp, "ngx", "cert.pem"))


class Conn(http.client.HTTPSConnection):
    """HTTPS to nginx on 127.0.0.1 from a source address of our own, the
    certificate checked for registry.example.jp."""
    def __init__(self, source):
        super().__init__(HOST, https_port, context=ctx, timeout=60)
        self.source = source

    def connect(self):
        sock = socket.create_connection(("127.0.0.1", https_port), 60, (self.source, 0))
        self.sock = ctx.wrap_socket(sock, server_hostname=HOST)


class Browser(Client):
    """harness.Client over HTTPS through nginx, from a source address of its own."""
    def __init__(self, source):
        super().__init__(https_port, source)

    def connection(self):
        return Conn(self.source)


def cookies_set(r):
    return [v for k, v in r.getheaders() if k.lower() == "set-cookie"]


def hoshi_log():
    return open(os.path.join(tmp, "hoshi.log"), encoding="utf-8", errors="replace").read()


def logged_ip(path):
    m = re.search(r" event=request ip=(\S+) method=GET path=%s " % re.escape(path), hoshi_log())
    return m.group(1) if m else None


c = http.client.HTTPConnection("127.0.0.1", http_port, timeout=30)
c.request("GET", "/registry?q=x", headers={"Host": HOST})
r = c.getresponse()
check("plain HTTP: 301 to the same page on https://registry.example.jp",
      r.status == 301 and r.getheader("Location") == "https://registry.example.jp/registry?q=x", (r.status, r.getheader("Location")))

a, b = Browser("127.0.0.5"), Browser("127.0.0.6")
r = a.request("GET", "/about")
check("HTTPS with the site's certificate: the page from hoshi", r.status == 200 and "<html" in r.body, r.status)
check("HSTS from nginx", r.getheader("Strict-Transport-Security") == "max-age=63072000")
check("hoshi's own security headers pass through",
      "frame-ancestors 'none'" in (r.getheader("Content-Security-Policy") or "") and r.getheader("X-Frame-Options") == "DENY")
check("hoshi logs the client's address, not the proxy's", logged_ip("/about") == "127.0.0.5", logged_ip("/about"))
b.request("GET", "/contact", headers={"X-Forwarded-For": "198.51.100.66"})
check("a client's own X-Forwarded-For is replaced by nginx: the real address logged",
      logged_ip("/contact") == "127.0.0.6" and "198.51.100.66" not in hoshi_log(), logged_ip("/contact"))

pw = "correct horse battery"
s1 = a.post("/signup", {"email": "a@example.jp", "password": pw, "org": "前店"}).status
s2 = a.post("/signup", {"email": "a2@example.jp", "password": pw, "org": "前店二"}).status
s3 = b.post("/signup", {"email": "b@example.jp", "password": pw, "org": "後店"}).status
check("sign-up limit per client behind the proxy (1 an hour): 303, then 429, another client 303",
      [s1, s2, s3] == [303, 429, 303], [s1, s2, s3])
r = b.post("/login", {"email": "b@example.jp", "password": pw})
check("log-in through the proxy: a Secure, HttpOnly session cookie",
      r.status == 303 and any(v.startswith("hoshi_sid=") and "Secure" in v and "HttpOnly" in v for v in cookies_set(r)),
      cookies_set(r))
check("the session works through the proxy", b.request("GET", "/dashboard").status == 200)

b.post("/password/forgot", {"email": "b@example.jp"})
# The mailer thread writes the message a moment later: wait for it.
mails = []
for _ in range(200):
    mails = glob.glob(os.path.join(tmp, "mail", "*-password_reset.eml"))
    if mails:
        break
    time.sleep(0.1)
import email, email.policy
body = email.message_from_bytes(open(mails[0], "rb").read(), policy=email.policy.default).get_content() if mails else ""
m = re.search(r"https://registry\.example\.jp/password/reset/([A-Za-z0-9_-]{43})", body)
check("mailed links use --base-url https://registry.example.jp", m is not None, body[:300])
token = m.group(1) if m else "no-token"
r = a.request("GET", "/password/reset/" + token)
check("the reset link works through the proxy", r.status == 200, r.status)

boundary = "hoshiboundary"
def upload(size):
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.xlsx\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + b"x" * size + f"\r\n--{boundary}--\r\n".encode()
    return a.request("POST", "/operator/surveys", body=part,
                 headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
r = upload(3 << 20)
check("a 3 MB upload reaches hoshi (its answer, not nginx's 413)",
      r.status != 413 and r.getheader("Content-Security-Policy") is not None, r.status)
r = upload(10 << 20)
check("a 10 MB upload is refused by nginx (413, client_max_body_size)",
      r.status == 413 and r.getheader("Content-Security-Policy") is None, r.status)

logs = "".join(open(f, errors="replace").read() for f in glob.glob(os.path.join(tmp, "ngx", "*.log")))
check("hoshi logged the reset link without its token", "path=/password/reset/(token) " in hoshi_log() and token not in hoshi_log())
check("nginx's logs hold no link token (access_log off)", token not in logs and "/password/reset/" not in logs)
PY

kill -QUIT "$nginx_pid"; wait "$nginx_pid"; nginx_pid=
kill -TERM "$hoshi_pid"; wait "$hoshi_pid"; rc=$?; hoshi_pid=
check "hoshi stopped cleanly behind the proxy" '[ $rc = 0 ] && ! grep -q "Sanitizer\|runtime error" "$tmp/hoshi.log"'
