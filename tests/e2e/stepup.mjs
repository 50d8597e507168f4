// Browser test of the step-up box on the dashboard after ★ (issue 13
// part 2) with axe-core, at desktop and phone size, in Japanese and
// English: the box is shown, lists the owner's own "will work on it"
// principles (prepared over HTTP by tests/http/stepup_seed.py) with the
// first marked, links each to its principle on /star1, and fits the
// screen.  Screenshots in build/e2e/stepup-*.png.
// Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
import axe from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, launch, logIn, runTest, shot, startServer, stopServer } from "./harness.mjs";

const AxeBuilder = axe.default || axe.AxeBuilder || axe;
const tmp = mkdtempSync(join(tmpdir(), "hoshi-e2e-stepup-"));

async function main() {
  const server = await startServer(join(tmp, "e2e.db"));
  const base = server.base;
  const seed = JSON.parse(execFileSync("python3", ["tests/http/stepup_seed.py", new URL(base).port],
    { encoding: "utf-8" }));
  check("a ★ organisation prepared", seed.declared === true, JSON.stringify(seed));
  for (const [size, viewport] of [["desktop", { width: 1100, height: 800 }], ["phone", { width: 390, height: 844 }]]) {
    const context = await launch(join(tmp, `profile-${size}`), { viewport, locale: "ja-JP" });
    const page = context.pages()[0] || await context.newPage();
    try {
      await logIn(page, base, seed.email, seed.password);
      for (const lang of ["ja", "en"]) {
        await page.goto(`${base}/dashboard?lang=${lang}`);
        const box = page.locator("section.stepup");
        check(`the step-up box is shown (${size}, ${lang})`, (await box.count()) === 1 && await box.isVisible());
        const hrefs = await box.locator("ol.stepup-start li a").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
        const listed = hrefs.map((h) => Number(h.replace("/star1#p", "")));
        check(`it lists the owner's own principles to work on (${size}, ${lang})`,
          listed.length === seed.todo.length && listed.every((n) => seed.todo.includes(n)), JSON.stringify(listed));
        check(`one is marked to start with (${size}, ${lang})`,
          (await box.locator("ol.stepup-start li.first .badge-first").count()) === 1);
        const r = await new AxeBuilder({ page }).analyze();
        check(`axe: no violations on the dashboard with the step-up box (${size}, ${lang})`, r.violations.length === 0,
          r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`).join("; "));
        await box.scrollIntoViewIfNeeded();
        await shot(page, `stepup-${size}-${lang}`);
        const w = await page.evaluate(() => document.documentElement.scrollWidth);
        check(`no horizontal scrolling (${size}, ${lang})`, w <= viewport.width, `scrollWidth ${w}`);
      }
      await page.goto(`${base}/dashboard?lang=ja`);
      const first = page.locator("section.stepup ol.stepup-start li.first a");
      const target = await first.getAttribute("href");
      await Promise.all([page.waitForURL(`**${target}`), first.click()]);
      const id = target.split("#")[1];
      check(`the first principle's link opens it on the ★ check (${size})`,
        (await page.locator(`fieldset#${id}`).count()) === 1, page.url());
    } finally {
      await context.close();
    }
  }
  await stopServer(server);
}

runTest("step-up box browser test", main, () => rmSync(tmp, { recursive: true, force: true }));
