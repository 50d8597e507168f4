// Case studies and support services in chromium (issue 13 parts 3, 4):
// /cases, a story, /support with filters, both with a bad filter value,
// the owner's dashboard with its closest case, and the diagnosis result
// whose action plan links to /support?item=N — at desktop (1280x800) and
// phone (390x844) size, axe-core clean, no sideways scrolling on a phone,
// the focus on the error summary after a bad filter.  Screenshots go to
// build/e2e/cases-<size>-<page>.png.  Prints 'ok NAME' / 'FAIL NAME' lines.
import axe from "@axe-core/playwright";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, failed, launch, stopServer, shot, startServer } from "./harness.mjs";

const AxeBuilder = axe.default || axe.AxeBuilder || axe;
const tmp = mkdtempSync(join(tmpdir(), "hoshi-e2e-cases-"));
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, mobile: false },
  { name: "phone", viewport: { width: 390, height: 844 }, mobile: true },
];

async function axeClean(page, what) {
  const r = await new AxeBuilder({ page }).analyze();
  check(`axe: no violations on ${what}`, r.violations.length === 0,
    r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`).join("; "));
}

// Visits path, checks its status, takes the shot, runs axe and on a phone
// checks that nothing scrolls sideways.
async function visit(page, base, size, name, path, status = 200) {
  const what = `${name} (${size.name})`;
  const resp = await page.goto(base + path);
  check(`${what} answers ${status}`, resp && resp.status() === status, `${resp && resp.status()}`);
  await shot(page, `cases-${size.name}-${name}`);
  await axeClean(page, what);
  const n = await page.evaluate(() => [document.querySelectorAll("main").length, document.querySelectorAll("h1").length,
    document.documentElement.scrollWidth]);
  check(`one main and one h1 on ${what}`, n[0] === 1 && n[1] === 1, `main ${n[0]}, h1 ${n[1]}`);
  if (size.mobile) check(`no horizontal scrolling at 390 px: ${what}`, n[2] <= 390, `scrollWidth ${n[2]}`);
}

async function login(page, base) {
  await page.goto(base + "/login");
  await page.fill("#email", "demo@example.jp");
  await page.fill("#password", "hoshi-demo-2026");
  await Promise.all([page.waitForNavigation(), page.click("form[action='/login'] button[type=submit]")]);
}

// The owner takes the diagnosis with some items not in place, so the
// result has an action plan; resolves to the result's path.
async function diagnoseWithGaps(page, base) {
  await page.goto(base + "/diagnosis/part/1");
  for (let part = 1; part <= 3; part++) {
    for (const item of await page.locator("fieldset.item").all()) {
      const name = await item.locator("input[type=radio]").first().getAttribute("name");
      const n = parseInt(name.slice(1), 10);
      await item.locator(`input[value="${n % 2 === 0 ? 3 : 1}"]`).check();
    }
    await Promise.all([page.waitForNavigation(),
      page.click(`button[name=nav][value=${part < 3 ? "next" : "finish"}]`)]);
  }
  return new URL(page.url()).pathname;
}

async function filters(page, base, size) {
  // The list filtered through the form, as a visitor would.
  await page.goto(base + "/cases?lang=ja");
  const all = await page.locator("ul.cases > li").count();
  await page.selectOption("#size", "1");
  await Promise.all([page.waitForNavigation(), page.click("form.filters button[type=submit]")]);
  const some = await page.locator("ul.cases > li").count();
  check(`cases filtered by the form (${size.name})`, new URL(page.url()).search.includes("size=1") && some > 0 && some < all,
    `${all} -> ${some}`);
  await page.goto(base + "/support?kind=zzz&lang=ja");
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "error-summary",
    null, { timeout: 5000 }).catch(() => {});
  const focused = await page.evaluate(() => document.activeElement && document.activeElement.id === "error-summary");
  check(`a bad filter: the focus on the error summary (${size.name})`, focused);
}

async function main() {
  const server = await startServer(join(tmp, "e2e.db"));
  const base = server.base;
  let result = null;
  for (const size of SIZES) {
    const ctx = await launch(join(tmp, `profile-${size.name}`), {
      viewport: size.viewport, isMobile: size.mobile, hasTouch: size.mobile, locale: "ja-JP",
    });
    const page = ctx.pages()[0] || await ctx.newPage();
    try {
      await visit(page, base, size, "list", "/cases?lang=ja");
      await visit(page, base, size, "list-en", "/cases?lang=en");
      await visit(page, base, size, "list-filtered", "/cases?size=2&industry=E&lang=ja");
      await visit(page, base, size, "list-bad", "/cases?size=9&industry=Z&lang=ja", 400);
      const first = await page.goto(base + "/cases?lang=ja").then(() =>
        page.locator("ul.cases a[href^='/cases/']").first().getAttribute("href"));
      await visit(page, base, size, "story", first + "?lang=ja");
      await visit(page, base, size, "story-en", first + "?lang=en");
      await visit(page, base, size, "support", "/support?lang=ja");
      await visit(page, base, size, "support-en", "/support?lang=en");
      await visit(page, base, size, "support-item", "/support?item=24&region=13&lang=ja");
      await visit(page, base, size, "support-bad", "/support?item=26&price=x&lang=ja", 400);
      await filters(page, base, size);
      await login(page, base);
      if (!result) result = await diagnoseWithGaps(page, base);
      await visit(page, base, size, "dashboard", "/dashboard?lang=ja");
      check(`dashboard shows one case study (${size.name})`,
        await page.locator("section.case-match a[href^='/cases/']").count() === 1);
      await visit(page, base, size, "result", result + "?lang=ja");
      const link = page.locator("section.plan-support a[href^='/support?item=']").first();
      check(`the result's plan links to support services (${size.name})`, await link.count() === 1);
      if (await link.count()) {
        await Promise.all([page.waitForNavigation(), link.click()]);
        const listed = await page.locator("ul.services > li").count();
        check(`following a plan link lists the services for that item (${size.name})`,
          /\/support\?item=\d+$/.test(page.url().replace(/&lang=ja$/, "")) && listed > 0, page.url());
        await shot(page, `cases-${size.name}-support-from-plan`);
      }
    } catch (e) {
      check(`cases and support run at ${size.name} size completed`, false, String(e).slice(0, 2000));
    }
    await ctx.close();
  }
  await stopServer(server);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(failed() ? 1 : 0);
}

main();
