// Browser test of the owner's year (issue 11 part 7) with axe-core, at
// desktop and phone size: the public policy page (structured, versions),
// an earlier version, the policy editor with its review date, the
// dashboard, the page after stepping up from ★ to ★★ and the old ★ ID's
// verification page ("superseded").  The step-up is prepared over HTTP by
// tests/http/year_seed.py.  Screenshots in build/e2e/year-*.png.
// Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
import axe from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, failed, launch, shot, startServer, stopServer } from "./harness.mjs";

const AxeBuilder = axe.default || axe.AxeBuilder || axe;
const tmp = mkdtempSync(join(tmpdir(), "hoshi-e2e-year-"));

// skip: a selector left out (none is, now that every page passes).
async function axeClean(page, what, skip) {
  const builder = new AxeBuilder({ page });
  const r = await (skip ? builder.exclude(skip) : builder).analyze();
  check(`axe: no violations on ${what}`, r.violations.length === 0,
    r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`).join("; "));
}

async function visit(page, base, path, name, what, skip) {
  await page.goto(base + path);
  await axeClean(page, what, skip);
  await shot(page, `year-${name}`);
}

async function main() {
  const server = await startServer(join(tmp, "e2e.db"));
  const base = server.base;
  const port = new URL(base).port;
  const seed = JSON.parse(execFileSync("python3", ["tests/http/year_seed.py", port], { encoding: "utf-8" }));
  check("step-up prepared", /^\d{11}$/.test(seed.old) && /^\d{11}$/.test(seed.new) && seed.old !== seed.new,
    JSON.stringify(seed));
  for (const [size, viewport] of [["desktop", { width: 1100, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    const context = await launch(join(tmp, `profile-${size}`), { viewport, locale: "ja-JP" });
    const page = context.pages()[0] || await context.newPage();
    try {
      await page.goto(base + "/login");
      await page.fill("#email", seed.email);
      await page.fill("#password", seed.password);
      await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
      await visit(page, base, seed.location, `${size}-stepped-up`, `the page after stepping up (${size})`);
      check(`step-up notice names the old ID (${size})`,
        (await page.locator(".notice.stepup").innerText()).includes(seed.old));
      await visit(page, base, "/policy", `${size}-editor`, `the policy editor (${size})`);
      check(`editor has the review date form (${size})`, (await page.locator("#review_only").count()) === 1);
      if (size === "desktop") {
        await Promise.all([page.waitForNavigation(), page.click("button[name=action][value=publish]")]);
      }
      const href = await page.getAttribute("a[href^='/policies/']", "href");
      await visit(page, base, href, `${size}-policy`, `the public policy page (${size})`);
      check(`public policy: one h1, no underlines (${size})`,
        (await page.locator("main h1").count()) === 1 && !(await page.locator("main").innerText()).includes("==="));
      await visit(page, base, href + "?v=1", `${size}-policy-v1`, `an earlier policy version (${size})`);
      await visit(page, base, "/dashboard", `${size}-dashboard`, `the dashboard (${size})`);
      await visit(page, base, `/verify/${seed.old}`, `${size}-superseded`, `a superseded ★ (${size})`);
      check(`old ★ says superseded (${size})`, (await page.locator(".verdict.superseded").count()) === 1);
      const w = await page.evaluate(() => document.documentElement.scrollWidth);
      check(`no horizontal scrolling (${size})`, w <= viewport.width, `scrollWidth ${w}`);
    } finally {
      await context.close();
    }
  }
  await stopServer(server);
}

main().catch((e) => {
  check("owner's year browser test ran", false, String(e && e.stack || e));
}).finally(() => {
  rmSync(tmp, { recursive: true, force: true });
  process.exit(failed() ? 1 : 0);
});
