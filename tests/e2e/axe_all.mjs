// axe-core on every page of `hoshi serve` (issue 11 part 9): Debian's
// chromium driven by playwright-core, at desktop (1280x800) and phone
// (390x844) size, in Japanese and on a few pages in English, as a visitor,
// the demo owner (demo@example.jp), the programme operator and a survey
// respondent.  Any axe violation fails; at phone size a page must also
// not scroll sideways.  Forms are also sent wrong once, to check the error
// markup and that the focus lands on the error summary.  Screenshots go to
// build/e2e/axe-<size>-<page>.png.  Prints 'ok NAME' / 'FAIL NAME' lines.
//
// To cover a new page, add a line to PAGES: a name, who sees it, and its
// path (a string, or a function of what was found on the way, `found`).
import axe from "@axe-core/playwright";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, failed, launch, stopServer, shot, startServer } from "./harness.mjs";

const AxeBuilder = axe.default || axe.AxeBuilder || axe;
const tmp = mkdtempSync(join(tmpdir(), "hoshi-e2e-axe-"));
const db = join(tmp, "e2e.db");
const DEMO_PW = "hoshi-demo-2026";
const WHO = {
  owner: "demo@example.jp",
  operator: "operator@example.jp",
};
const SIZES = [
  { name: "desktop", viewport: { width: 1280, height: 800 }, mobile: false },
  { name: "phone", viewport: { width: 390, height: 844 }, mobile: true },
];

// What later pages need, found on earlier ones (see `discover`).
const found = {};

// Every page, by who sees it.  `wide`: a page whose data is a wide table
// (the operator's crosstabs) may scroll sideways inside its own box.
const PAGES = [
  { name: "home", who: "public", path: "/" },
  { name: "home-en", who: "public", path: "/?lang=en" },
  { name: "registry", who: "public", path: "/registry" },
  { name: "search", who: "public", path: "/registry?q=%E6%A0%AA%E5%BC%8F%E4%BC%9A%E7%A4%BE&level=2" },
  { name: "search-none", who: "public", path: "/registry?q=zzzzzzzz" },
  { name: "verify", who: "public", path: () => found.verify },
  { name: "verify-en", who: "public", path: () => found.verify && found.verify + "?lang=en" },
  { name: "verify-unknown", who: "public", path: "/verify/00000000000", status: 404 },
  { name: "policy-public", who: "public", path: () => found.policy },
  { name: "signup", who: "public", path: "/signup" },
  { name: "login", who: "public", path: "/login" },
  { name: "terms", who: "public", path: "/terms" },
  { name: "privacy", who: "public", path: "/privacy" },
  { name: "contact", who: "public", path: "/contact" },
  { name: "about", who: "public", path: "/about" },
  { name: "terms-en", who: "public", path: "/terms?lang=en" },
  { name: "password-forgot", who: "public", path: "/password/forgot" },
  { name: "survey-answer", who: "public", path: () => found.token && "/s/" + found.token },
  { name: "survey-thanks", who: "public", path: "/s/thanks" },
  { name: "dashboard", who: "owner", path: "/dashboard" },
  { name: "profile", who: "owner", path: "/profile" },
  { name: "star1", who: "owner", path: "/star1" },
  { name: "diagnosis-1", who: "owner", path: "/diagnosis/part/1" },
  { name: "diagnosis-3", who: "owner", path: "/diagnosis/part/3" },
  { name: "result", who: "owner", path: () => found.result },
  { name: "result-en", who: "owner", path: () => found.result && found.result + "?lang=en" },
  { name: "result-print", who: "owner", path: () => found.result && found.result + "/print" },
  { name: "policy-draft", who: "owner", path: "/policy" },
  { name: "declare", who: "owner", path: "/declare" },
  { name: "history", who: "owner", path: "/history" },
  { name: "account", who: "owner", path: "/account" },
  { name: "account-delete", who: "owner", path: "/account/delete" },
  { name: "members", who: "owner", path: "/members" },
  { name: "suppliers", who: "owner", path: "/suppliers" },
  { name: "suppliers-clients", who: "owner", path: "/account/clients" },
  { name: "survey-owner", who: "owner", path: () => found.survey && "/surveys/" + found.survey },
  { name: "operator", who: "operator", path: "/operator" },
  { name: "operator-registry", who: "operator", path: "/operator/registry" },
  { name: "operator-disputes", who: "operator", path: "/operator/disputes" },
  { name: "operator-audit", who: "operator", path: "/operator/audit" },
  { name: "operator-outbox", who: "operator", path: "/operator/outbox" },
  { name: "operator-withdraw", who: "operator",
    path: () => found.verify && "/operator/withdraw?id=" + found.verify.split("/").pop() },
  { name: "operator-surveys", who: "operator", path: "/operator/surveys" },
  { name: "operator-survey", who: "operator", path: () => found.survey && "/operator/surveys/" + found.survey },
  { name: "operator-preview", who: "operator", path: () => found.survey && `/operator/surveys/${found.survey}/preview` },
  { name: "operator-invite", who: "operator", path: () => found.survey && `/operator/surveys/${found.survey}/invite` },
  { name: "operator-demo-survey", who: "operator", path: () => found.demoSurvey && `/operator/surveys/${found.demoSurvey}` },
  { name: "operator-tables", who: "operator", wide: true,
    path: () => found.demoSurvey && `/operator/surveys/${found.demoSurvey}/tables` },
  { name: "operator-answers", who: "operator", path: () => found.demoSurvey && `/operator/surveys/${found.demoSurvey}/answers` },
];

// AXE_ONLY=REGEX (while working on a page): only the pages and forms named so.
const only = (e) => !process.env.AXE_ONLY || new RegExp(process.env.AXE_ONLY).test(e.name);

// Forms sent wrong: the error summary takes the focus and lists each
// error as a link to its field, which is aria-invalid and described by
// its message.
const FORMS = [
  { name: "signup-errors", who: "public", path: "/signup",
    errors: 3, fields: 3, fill: async (page) => { await page.fill("#password", "short"); } },
  { name: "login-error", who: "public", path: "/login", errors: 1, fields: 0,
    fill: async (page) => { await page.fill("#email", "nobody@example.jp"); await page.fill("#password", "wrong-password-1"); } },
  { name: "profile-errors", who: "owner", path: "/profile", errors: 2, fields: 2,
    fill: async (page) => { await page.fill("#name", ""); await page.fill("#contact", ""); } },
];

// Creates a new open survey and invites every organisation with a
// declaration in force (the demo owner's among them): its number and the
// first link's token.
function seedSurvey() {
  const py = "import sys; sys.path.insert(0, 'tests/http'); import survey_seed as s;" +
    `sid = s.create(${JSON.stringify(db)}); print(sid, s.invite(${JSON.stringify(db)}, sid)[0][1])`;
  const [sid, token] = execFileSync("python3", ["-c", py], { encoding: "utf-8" }).trim().split(" ");
  found.survey = sid;
  found.token = token;
}

async function login(page, base, email) {
  await page.goto(base + "/login");
  await page.fill("#email", email);
  await page.fill("#password", DEMO_PW);
  await Promise.all([page.waitForNavigation(), page.click("form[action='/login'] button[type=submit]")]);
}

async function firstHref(page, url, selector) {
  await page.goto(url);
  const a = page.locator(selector).first();
  return (await a.count()) ? a.getAttribute("href") : null;
}

// The paths that depend on the data: a declaration, its policy, the demo
// owner's latest result, the demo's closed survey.
async function discover(pages, base) {
  found.verify = await firstHref(pages.public, base + "/registry?level=2", "a[href^='/verify/']");
  if (found.verify) found.policy = await firstHref(pages.public, base + found.verify, "a[href^='/policies/']");
  found.result = await diagnoseWithGaps(pages.owner, base);
  const surveys = await pages.operator.goto(base + "/operator/surveys").then(() =>
    pages.operator.locator("a[href^='/operator/surveys/']").evaluateAll((as) => as.map((a) => a.getAttribute("href"))));
  const ids = surveys.map((h) => h.split("/")[3]).filter((id) => /^\d+$/.test(id) && id !== found.survey);
  found.demoSurvey = ids[0];
  for (const k of ["verify", "policy", "result", "demoSurvey"])
    check(`found the ${k} page to test`, !!found[k]);
}

// The demo owner takes the diagnosis again, some items not in place, so
// that the result has an action plan; resolves to the result's path.
async function diagnoseWithGaps(page, base) {
  await page.goto(base + "/diagnosis/part/1");
  for (let part = 1; part <= 3; part++) {
    for (const item of await page.locator("fieldset.item").all()) {
      const radios = item.locator("input[type=radio]");
      const name = await radios.first().getAttribute("name");
      const n = parseInt(name.slice(1), 10);
      await item.locator(`input[value="${n % 3 === 0 ? 3 : n % 5 === 0 ? 4 : 1}"]`).check();
    }
    await Promise.all([page.waitForNavigation(),
      page.click(`button[name=nav][value=${part < 3 ? "next" : "finish"}]`)]);
  }
  return new URL(page.url()).pathname;
}

// At phone size the action plan is a list of cards: no table layout, the
// item titles the width of the card.
async function planCards(page, what) {
  const m = await page.evaluate(() => {
    const rows = [...document.querySelectorAll(".report .plan tbody tr")];
    const titles = rows.map((tr) => tr.querySelector("td.title").getBoundingClientRect().width);
    return { rows: rows.length, display: rows.length ? getComputedStyle(rows[0]).display : "", narrowest: Math.min(...titles) };
  });
  check(`action plan as cards at 390 px: ${what}`, m.rows > 0 && m.display === "block" && m.narrowest > 250, JSON.stringify(m));
}

async function axeClean(page, what) {
  const r = await new AxeBuilder({ page }).analyze();
  check(`axe: no violations on ${what}`, r.violations.length === 0,
    r.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(" ")).slice(0, 5).join(", ")}`).join("; "));
}

async function landmarks(page, what) {
  const n = await page.evaluate(() => [document.querySelectorAll("main").length, document.querySelectorAll("h1").length]);
  check(`one main and one h1 on ${what}`, n[0] === 1 && n[1] === 1, `main ${n[0]}, h1 ${n[1]}`);
}

async function noSideScroll(page, what) {
  const w = await page.evaluate(() => document.documentElement.scrollWidth);
  check(`no horizontal scrolling at 390 px: ${what}`, w <= 390, `scrollWidth ${w}`);
}

async function visit(page, base, size, entry) {
  const path = typeof entry.path === "function" ? entry.path() : entry.path;
  const what = `${entry.name} (${size.name})`;
  if (!path) {
    check(`axe: ${what} has a path`, false, "not found on the way");
    return;
  }
  // The language sticks (a cookie): every page says which it is shown in.
  const resp = await page.goto(base + path + (path.includes("lang=") ? "" : (path.includes("?") ? "&" : "?") + "lang=ja"));
  const status = resp ? resp.status() : 0;
  const sentToLogin = entry.name !== "login" && new URL(page.url()).pathname === "/login";
  check(`${what} answers ${entry.status || 200}`, status === (entry.status || 200) && !sentToLogin,
    `${status} ${page.url()}`);
  await shot(page, `axe-${size.name}-${entry.name}`);
  await axeClean(page, what);
  await landmarks(page, what);
  if (size.mobile && !entry.wide) await noSideScroll(page, what);
  if (size.mobile && entry.name.startsWith("result")) await planCards(page, what);
}

async function sendWrong(page, base, size, form) {
  const what = `${form.name} (${size.name})`;
  await page.goto(base + form.path);
  await form.fill(page);
  await Promise.all([page.waitForNavigation(), page.click(`form[action='${form.path}'] button[type=submit]`)]);
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === "error-summary",
    null, { timeout: 5000 }).catch(() => {});
  const state = await page.evaluate(() => {
    const summary = document.getElementById("error-summary");
    const links = summary ? [...summary.querySelectorAll("a[href^='#']")] : [];
    const fields = links.map((a) => document.getElementById(a.getAttribute("href").slice(1)));
    const described = fields.map((f) => f && f.getAttribute("aria-invalid") === "true" &&
      (f.getAttribute("aria-describedby") || "").split(" ").some((id) => {
        const m = document.getElementById(id);
        return m && m.textContent.trim().length > 0;
      }));
    return {
      focused: document.activeElement === summary && summary !== null,
      items: summary ? summary.querySelectorAll("li").length : 0,
      links: links.length,
      described: described.every(Boolean),
      invalid: document.querySelectorAll("[aria-invalid=true]").length,
    };
  });
  check(`${what}: the focus is on the error summary`, state.focused);
  check(`${what}: each error in the summary, a field's linked to it, aria-invalid and described by its message`,
    state.items === form.errors && state.links === form.fields && state.described && state.invalid === state.links,
    JSON.stringify(state));
  await shot(page, `axe-${size.name}-${form.name}`);
  await axeClean(page, what);
  if (size.mobile) await noSideScroll(page, what);
}

async function main() {
  const server = await startServer(db);
  const base = server.base;
  seedSurvey();
  for (const size of SIZES) {
    const contexts = {}, pages = {};
    for (const who of ["public", "owner", "operator"]) {
      contexts[who] = await launch(join(tmp, `profile-${size.name}-${who}`), {
        viewport: size.viewport, isMobile: size.mobile, hasTouch: size.mobile, locale: "ja-JP",
      });
      pages[who] = contexts[who].pages()[0] || await contexts[who].newPage();
      if (WHO[who]) await login(pages[who], base, WHO[who]);
    }
    try {
      if (size === SIZES[0]) await discover(pages, base);
      for (const entry of PAGES.filter(only)) await visit(pages[entry.who], base, size, entry);
      for (const form of FORMS.filter(only)) await sendWrong(pages[form.who], base, size, form);
    } catch (e) {
      check(`axe run at ${size.name} size completed`, false, String(e).slice(0, 2000));
    }
    for (const who of Object.keys(contexts)) await contexts[who].close();
  }
  await stopServer(server);
  rmSync(tmp, { recursive: true, force: true });
  process.exit(failed() ? 1 : 0);
}

main();
