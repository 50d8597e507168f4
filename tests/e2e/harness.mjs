// What the browser tests (tests/e2e/*.mjs) share: the 'ok NAME' /
// 'FAIL NAME' lines tests/run.py counts, `hoshi serve` started on a free
// port with the demo data and its stderr kept, a headless Debian chromium,
// and full-page screenshots in build/e2e/.
import { chromium } from "playwright-core";
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";

const hoshi = process.env.HOSHI || "build/san/hoshi";
const shots = resolve("build/e2e");
mkdirSync(shots, { recursive: true });
let failures = 0;

export function check(name, cond, detail = "") {
  if (cond) console.log(`ok ${name}`);
  else {
    failures++;
    console.log(`FAIL ${name}${detail ? ": " + detail : ""}`);
  }
}

export function failed() {
  return failures > 0;
}

// Starts the server on db with the demo data; resolves to {p, base, err()}.
export function startServer(db) {
  return new Promise((ok, fail) => {
    const p = spawn(hoshi, ["serve", "--listen", "127.0.0.1:0", "--db", db, "--demo"],
      { stdio: ["ignore", "pipe", "pipe"] });
    let out = "", serverErr = "";
    p.stderr.on("data", (d) => { serverErr += d; });
    p.stdout.on("data", (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/[0-9.:]+)\//);
      if (m) ok({ p, base: m[1], err: () => serverErr });
    });
    p.on("exit", (code) => fail(new Error(`server exited ${code}: ${out} ${serverErr}`)));
    setTimeout(() => fail(new Error("server did not start")), 30000);
  });
}

// Stops the server started by startServer and checks it reported nothing.
export async function stopServer(server) {
  const exited = new Promise((ok) => server.p.on("exit", ok));
  server.p.kill("SIGTERM");
  await exited;
  check("server: no sanitizer report", !/Sanitizer|runtime error/.test(server.err()), server.err().slice(-3000));
}

// A fresh headless chromium profile in dir; options as Playwright's.
export function launch(dir, options) {
  return chromium.launchPersistentContext(dir, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
      "--no-first-run", "--disable-component-update", "--disable-sync"],
    ...options,
  });
}

export async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

// Logs page in through the log-in form of the server at base.
export async function logIn(page, base, email, password) {
  await page.goto(base + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
}

// Runs the test's main(), reports a throw as the FAIL line "<what> ran",
// then calls cleanup() and exits 1 when any check failed.
export function runTest(what, main, cleanup) {
  main().catch((e) => {
    check(`${what} ran`, false, String(e && e.stack || e));
  }).finally(() => {
    cleanup();
    process.exit(failed() ? 1 : 0);
  });
}
