// Browser test of answering a survey (issue 9 item 4) on a phone
// (390x844): Debian's chromium driven by playwright-core, with axe-core
// (@axe-core/playwright) checking every page.  The 2018 questionnaire is
// made a survey with `hoshi survey create|invite` (tests/http/survey_seed.py)
// and answered start to end through its link: a required question left out
// gives the page again with the message and the focus on it; "other" of
// Q8 shows its text box at once; Q14 appears the moment Q13's "management's
// awareness is low" is ticked and hides when it is unticked; the GRID of
// Q12 stacks with no horizontal scrolling; the answers are sent and the
// link then says so.  Screenshots go to build/e2e/survey-*.png.
// Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
import axe from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, failed, launch, stopServer, shot as fullShot, startServer } from "./harness.mjs";

const AxeBuilder = axe.default || axe.AxeBuilder || axe;
const tmp = mkdtempSync(join(tmpdir(), "hoshi-e2e-survey-"));
const db = join(tmp, "e2e.db");

function seedToken() {
  const py = "import sys; sys.path.insert(0, 'tests/http'); import survey_seed as s;" +
    `sid = s.create(${JSON.stringify(db)}); print(s.invite(${JSON.stringify(db)}, sid)[0][1])`;
  return execFileSync("python3", ["-c", py], { encoding: "utf-8" }).trim();
}

async function shot(page, name) {
  await fullShot(page, `survey-${name}`);
}

async function axeClean(page, what) {
  const r = await new AxeBuilder({ page }).analyze();
  check(`axe: no violations on ${what}`, r.violations.length === 0,
    r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`).join("; "));
}

async function noSideScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`no horizontal scrolling at 390 px: ${what}`, w <= 390, `scrollWidth ${w}`);
}

async function next(page, value = "next") {
  await Promise.all([page.waitForNavigation(), page.click(`button[name=action][value=${value}]`)]);
}

async function pageNo(page) {
  return parseInt(await page.getAttribute("input[name=page]", "value"), 10);
}

// app.js's evaluator against every TRUE_/FALSE_ case of the C unit test
// of expressions (tests/unit/test_expr.c), with the same answers, so the
// live routing and the server's agree.
async function sameAsC(page) {
  const src = readFileSync("tests/unit/test_expr.c", "utf-8");
  const cases = [...src.matchAll(/\b(TRUE_|FALSE_)\("((?:[^"\\]|\\.)*)"\)/g)]
    .map((m) => [JSON.parse('"' + m[2] + '"'), m[1] === "TRUE_"]);
  const table = { sa: ["1"], ma: ["1", "3"], num: ["18"], nine: ["9"], ten: ["10"], fa: ["星野 商店"],
    pad: [" 7 "], none: [], ".": ["8"] };
  const wrong = await page.evaluate(([cases, table]) => cases.filter(([e, want]) => {
    try { return window.hoshiSurveyEval(e, (n) => table[n] || [], ".") !== want; } catch (x) { return true; }
  }).map((c) => c[0]), [cases, table]);
  check(`app.js evaluates the ${cases.length} cases of test_expr.c as the C evaluator does`,
    cases.length > 50 && wrong.length === 0, wrong.join(" | "));
}

async function main() {
  const server = await startServer(db);
  const base = server.base;
  const token = seedToken();
  const context = await launch(join(tmp, "profile"), {
    viewport: { width: 390, height: 844 },
    isMobile: true,
    hasTouch: true,
    locale: "ja-JP",
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The 422 of a page with problems and the 409 of a used link are on
  // purpose; anything else counts.
  page.on("console", (m) => {
    if (m.type() === "error" && !/\b(422|409)\b/.test(m.text())) errors.push(m.text());
  });
  try {
    await page.goto(`${base}/s/${token}`);
    check("the questionnaire opens from its link", (await page.textContent("h1")).includes("アンケート"));
    check("progress: page 1 of 8", (await page.textContent(".sv-progress")).includes("1 / 8"));
    await shot(page, "01-intro");
    await sameAsC(page);
    await axeClean(page, "the introduction");
    await next(page);

    // Page 2: a required question left out.
    await page.check("input[name=Q1][value='5']");
    await page.check("input[name=Q3][value='1']");
    await next(page);
    check("missing answer: the page again with its message",
      (await page.textContent("#e-Q2")).includes("必須") && (await pageNo(page)) === 1);
    const focused = await page.evaluate(() => document.activeElement && document.activeElement.name);
    check("missing answer: the focus is on the question", focused === "Q2", focused);
    await shot(page, "02-required");
    await axeClean(page, "a page with a problem");
    await page.check("input[name=Q2][value='2']");
    await noSideScroll(page, "choices");
    await next(page);

    // Page 3: "other" of Q8 shows its text at once.
    check("Q8x hidden at first", await page.locator("#q-Q8x").isHidden());
    await page.check("input[name=Q8][value='10']");
    check("Q8x appears when 'other' is ticked", await page.locator("#q-Q8x").isVisible());
    await page.uncheck("input[name=Q8][value='10']");
    check("Q8x hides when unticked", await page.locator("#q-Q8x").isHidden());
    await page.check("input[name=Q4][value='1']");
    await page.check("input[name=Q5][value='2']");
    await page.check("input[name=Q6][value='1']");
    await page.check("input[name=Q7][value='1']");
    await page.check("input[name=Q8][value='1']");
    await shot(page, "03-declaration");
    await next(page);

    // Page 4: numbers.
    check("Q10 asks for digits", (await page.getAttribute("#i-Q10", "inputmode")) === "numeric");
    await page.check("input[name=Q9][value='1']");
    await page.fill("#i-Q10", "3");
    await next(page);

    // Page 5: Q11's exclusive choice.
    await page.check("input[name=Q11][value='8']");
    await page.check("input[name=Q11][value='1']");
    await next(page);
    check("Q11: 'none' with another answer refused",
      (await page.textContent("#e-Q11")).includes("同時に選べません"));
    await page.uncheck("input[name=Q11][value='1']");
    await next(page);

    // Page 6: the GRID, stacked on a phone.
    check("page 6: the GRID", (await pageNo(page)) === 5);
    await noSideScroll(page, "the GRID");
    for (const c of "abcdefg") await page.check(`input[name=Q12${c}][value='${c === "c" ? "2" : "1"}']`);
    await shot(page, "04-grid");
    await axeClean(page, "the GRID");
    await next(page);

    // Page 7: Q14 appears and hides live.
    check("Q14 hidden at first", await page.locator("#q-Q14").isHidden());
    await page.check("input[name=Q13][value='1']");
    check("Q14 still hidden without code 4", await page.locator("#q-Q14").isHidden());
    await page.check("input[name=Q13][value='4']");
    check("Q14 appears when code 4 is ticked", await page.locator("#q-Q14").isVisible());
    await shot(page, "05-q14-shown");
    await axeClean(page, "the routed question shown");
    await page.uncheck("input[name=Q13][value='4']");
    check("Q14 hides when code 4 is unticked", await page.locator("#q-Q14").isHidden());
    check("Q14's inputs disabled while hidden", await page.locator("input[name=Q14]").first().isDisabled());
    await page.check("input[name=Q13][value='4']");
    await page.check("input[name=Q14][value='2']");
    await next(page);

    // Page 8: back keeps the answers, then send.
    await next(page, "back");
    check("back: Q14's answer kept", await page.isChecked("input[name=Q14][value='2']"));
    await next(page);
    await page.check("input[name=Q15][value='1']");
    await page.fill("#i-Q16", "使いやすい制度にしてください。");
    await shot(page, "06-last");
    await axeClean(page, "the last page");
    await next(page, "submit");
    check("sent: the thank-you page", page.url().endsWith("/s/thanks") &&
      (await page.textContent("h1")).includes("ありがとうございました"));
    await shot(page, "07-thanks");
    const again = await page.goto(`${base}/s/${token}`);
    check("the link then says the answers were sent", again.status() === 409);
    await shot(page, "08-already");
    check("no JavaScript or console errors", errors.length === 0, errors.join("; "));
  } catch (e) {
    check("survey flow completed", false, String(e).slice(0, 2000));
    await shot(page, "zz-failure").catch(() => {});
  }
  await context.close();
  await stopServer(server);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(failed() ? 1 : 0);
}

main();
