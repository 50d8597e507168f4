// Browser test of the supply chain (issue 13 part 5) with axe-core, at
// desktop and phone size: the client's board of suppliers (each status,
// the shared scores, the counts), the add form sent wrong (the error
// summary takes the focus), the supplier's page of clients and consent,
// and an invitation link as a visitor sees it.  The board is prepared over
// HTTP and in the database by tests/http/suppliers_seed.py.  Screenshots
// in build/e2e/suppliers-*.png.  Prints 'ok NAME' / 'FAIL NAME' lines.
import axe from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, failed, launch, shot, startServer, stopServer } from "./harness.mjs";

const AxeBuilder = axe.default || axe.AxeBuilder || axe;
const tmp = mkdtempSync(join(tmpdir(), "hoshi-e2e-suppliers-"));

async function axeClean(page, what) {
  const r = await new AxeBuilder({ page }).analyze();
  check(`axe: no violations on ${what}`, r.violations.length === 0,
    r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`).join("; "));
}

async function noSideScroll(page, viewport, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`no horizontal scrolling on ${what}`, w <= viewport.width, `scrollWidth ${w}`);
}

async function logIn(page, base, email, password) {
  await page.goto(base + "/login");
  await page.fill("#email", email);
  await page.fill("#password", password);
  await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
}

async function main() {
  const db = join(tmp, "e2e.db");
  const server = await startServer(db);
  const base = server.base;
  const port = new URL(base).port;
  const seed = JSON.parse(execFileSync("python3", ["tests/http/suppliers_seed.py", port, db], { encoding: "utf-8" }));
  check("board prepared", /^\/suppliers\/invite\/[A-Za-z0-9_-]{43}$/.test(seed.link), JSON.stringify(seed));
  for (const [size, viewport] of [["desktop", { width: 1280, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    const context = await launch(join(tmp, `profile-${size}`), { viewport, locale: "ja-JP" });
    const page = context.pages()[0] || await context.newPage();
    try {
      await page.goto(base + seed.link);
      await axeClean(page, `the invitation link (${size})`);
      await shot(page, `suppliers-${size}-link`);
      check(`link names the client (${size})`, (await page.locator("main").innerText()).includes("株式会社ほしぞら発注"));

      await logIn(page, base, seed.client, seed.password);
      await page.goto(base + "/suppliers");
      await axeClean(page, `the board (${size})`);
      await noSideScroll(page, viewport, `the board (${size})`);
      await shot(page, `suppliers-${size}-board`);
      await page.locator("#suppliers").screenshot({ path: `build/e2e/suppliers-${size}-board-table.png` });
      const text = await page.locator("#suppliers").innerText();
      for (const s of ["★ 宣言中", "★★ 宣言中", "見直し時期を過ぎています", "取り下げ", "宣言なし"])
        check(`board shows "${s}" (${size})`, text.includes(s));
      check(`board shows the shared scores (${size})`, /\d+ \/ 52/.test(text) && text.includes("70~99点"));
      check(`board's withdrawal notice (${size})`, (await page.locator(".notice.warn").count()) === 1);
      if (size === "phone") {
        const rows = await page.locator("#suppliers tbody tr").evaluateAll((trs) =>
          trs.map((tr) => getComputedStyle(tr).display));
        check("phone: each supplier a card", rows.length === 5 && rows.every((d) => d === "block"), rows.join(","));
      }

      // the add form sent wrong: the summary takes the focus, axe still clean
      await page.fill("#number", "1234567890123");
      await page.fill("#name", "誤りのある取引先");
      await Promise.all([page.waitForNavigation(), page.click("form[action='/suppliers/add'] button[type=submit]")]);
      check(`wrong number: the field is marked (${size})`,
        (await page.getAttribute("#number", "aria-invalid")) === "true");
      check(`wrong number: focus on the error summary (${size})`,
        await page.evaluate(() => document.activeElement && document.activeElement.id === "error-summary"));
      await axeClean(page, `the add form sent wrong (${size})`);
      await shot(page, `suppliers-${size}-add-error`);
    } finally {
      await context.close();
    }
    const sup = await launch(join(tmp, `supplier-${size}`), { viewport, locale: "ja-JP" });
    const sp = sup.pages()[0] || await sup.newPage();
    try {
      await logIn(sp, base, seed.supplier, seed.password);
      await sp.goto(base + "/account/clients");
      await axeClean(sp, `the clients page (${size})`);
      await noSideScroll(sp, viewport, `the clients page (${size})`);
      await shot(sp, `suppliers-${size}-clients`);
      check(`clients page: shared with the client (${size})`,
        (await sp.locator("#clients").innerText()).includes("から共有しています"));
    } finally {
      await sup.close();
    }
  }
  await stopServer(server);
}

main().catch((e) => {
  check("suppliers browser test ran", false, String(e && e.stack || e));
}).finally(() => {
  rmSync(tmp, { recursive: true, force: true });
  process.exit(failed() ? 1 : 0);
});
