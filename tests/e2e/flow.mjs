// Browser end-to-end test of `hoshi serve`: Debian's chromium, headless,
// driven by playwright-core.  A new owner signs up, fills in the profile,
// takes the ★ check and the 25-item diagnosis, publishes the basic policy,
// declares ★★, then finds and verifies the declaration in the public
// registry, in Japanese and in English.  Screenshots go to build/e2e/.
// Prints 'ok NAME' / 'FAIL NAME' lines for tests/run.py.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { check, failed, launch, stopServer, shot, startServer } from "./harness.mjs";

const tmp = mkdtempSync(join(tmpdir(), "hoshi-e2e-"));

async function main() {
  const server = await startServer(join(tmp, "e2e.db"));
  const base = server.base;
  const context = await launch(join(tmp, "profile"), {
    viewport: { width: 1100, height: 800 },
    locale: "ja-JP",
  });
  const page = context.pages()[0] || await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  // The sign-up error page answers 422 on purpose; anything else counts.
  page.on("console", (m) => {
    if (m.type() === "error" && !m.text().includes("422")) errors.push(m.text());
  });
  try {
    await page.goto(base + "/");
    await shot(page, "01-home");
    check("home page", (await page.title()).includes("hoshi"));

    await page.click("text=無料で登録する");
    await page.fill("#email", "owner@example.jp");
    await page.fill("#password", "short");
    await page.fill("#org", "株式会社ほしぞら印刷");
    await page.click("main button[type=submit]");
    check("sign-up error shown, name kept",
      (await page.locator(".field-error").count()) > 0 && (await page.inputValue("#org")) === "株式会社ほしぞら印刷");
    await shot(page, "02-signup-error");
    await page.fill("#password", "hoshi-e2e-password");
    await page.click("main button[type=submit]");
    // Sign-up answers the same for new and taken addresses, so it does not
    // log in: the log-in page says so, and the owner logs in there.
    await page.waitForURL("**/login?signed_up=1");
    check("signed up, asked to log in", (await page.locator(".notice").count()) === 1);
    await shot(page, "02b-signed-up");
    await page.fill("#email", "owner@example.jp");
    await page.fill("#password", "hoshi-e2e-password");
    await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
    await page.goto(base + "/profile");
    check("signed up, on the profile", page.url().endsWith("/profile"));

    await page.fill("#corpnum", "7000012050002");
    await page.selectOption("#prefecture", "13");
    await page.selectOption("#industry", "G");
    await page.selectOption("#employees", "2");
    await page.fill("#contact", "星野");
    await Promise.all([page.waitForNavigation(), page.click("main button[type=submit]")]);
    check("profile saved", await page.locator(".notice").isVisible());
    await shot(page, "03-profile");

    await page.goto(base + "/star1");
    for (let i = 1; i <= 5; i++) await page.check(`input[name=p${i}][value=${i === 4 ? "todo" : "done"}]`);
    await page.check("input[name=commit]");
    await shot(page, "04-star1");
    await page.click("main button[type=submit]");
    await page.waitForURL("**/dashboard");
    await shot(page, "05-dashboard");

    await page.goto(base + "/diagnosis");
    for (let part = 1; part <= 3; part++) {
      await page.waitForURL(`**/diagnosis/part/${part}`);
      const items = await page.locator("fieldset.item").count();
      const first = part === 1 ? 1 : part === 2 ? 6 : 19;
      for (let i = first; i < first + items; i++) {
        const answer = i % 7 === 0 ? "2" : i % 11 === 0 ? "4" : "1";
        await page.check(`input[name=a${i}][value="${answer}"]`);
      }
      if (part === 1) {
        await page.waitForSelector(".autosave:not(:empty)");
        check("answers autosaved", (await page.textContent(".autosave")).length > 0);
        check("progress follows the clicks", (await page.textContent("p.progress .count")) === "5");
        await shot(page, "06-diagnosis-part1");
      }
      await page.click("button[name=nav][value=" + (part < 3 ? "next" : "finish") + "]");
    }
    await page.waitForURL(/\/diagnosis\/\d+$/);
    check("result page with the score", await page.locator(".report .score .value").isVisible());
    await shot(page, "07-result");

    await page.goto(base + "/policy");
    await page.fill("#representative", "代表取締役 星野一郎");
    await Promise.all([page.waitForNavigation(), page.click("button[value=generate]")]);
    check("policy drafted", (await page.inputValue("#body")).includes("基本方針"));
    await Promise.all([page.waitForNavigation(), page.click("button[value=publish]")]);
    check("policy published", await page.locator(".notice").isVisible());
    await shot(page, "08-policy");

    await page.goto(base + "/declare");
    await page.click("form.level:nth-of-type(2) button[type=submit]");
    await page.waitForURL("**/declare?issued=1");
    const id = (await page.textContent(".declid")).trim();
    check("★★ declared with an 11-digit ID", /^\d{11}$/.test(id), id);
    await shot(page, "09-declared");

    await page.click("text=宣言を探す");
    await page.fill("#q", "ほしぞら");
    await page.selectOption("#level", "2");
    await page.click("form[action='/registry'] button[type=submit]");
    const link = page.locator(`a[href="/verify/${id}"]`);
    check("found in the registry by a Japanese partial name", (await link.count()) === 1);
    await shot(page, "10-registry");
    await link.click();
    check("verification page says valid ★★",
      (await page.textContent(".verdict")).includes("有効") && (await page.textContent(".orgname")).includes("ほしぞら"));
    await shot(page, "11-verify");

    await page.click("a.lang");
    check("English switch", (await page.textContent(".verdict")).includes("valid"));
    await shot(page, "12-verify-en");
    await page.goto(base + "/registry");
    check("language kept on the next page", (await page.textContent("h1")).includes("Find"));
    await shot(page, "13-registry-en");
    await page.goto(base + "/?lang=en");
    await shot(page, "14-home-en");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(base + "/verify/" + id + "?lang=ja");
    await shot(page, "15-verify-mobile");
    await page.goto(base + "/dashboard");
    check("dashboard shows the ★★ declaration", (await page.textContent(".journey")).includes(id));
    await shot(page, "16-dashboard-mobile");
    await page.goto(base + "/history");
    await shot(page, "17-history-mobile");
    check("no JavaScript or console errors", errors.length === 0, errors.join("; "));
  } catch (e) {
    check("flow completed", false, String(e).slice(0, 2000));
    await shot(page, "zz-failure").catch(() => {});
  }
  await context.close();
  await englishJourney(base).catch(async (e) => check("English journey completed", false, String(e).slice(0, 2000)));
  {
    await stopServer(server);
    rmSync(tmp, { recursive: true, force: true });
  }
  process.exit(failed() ? 1 : 0);
}

// The same journey in English, in a fresh browser, led by the English
// labels a visitor would click.
async function englishJourney(base) {
  const context = await launch(join(tmp, "profile-en"), {
    viewport: { width: 1100, height: 800 },
  });
  const page = context.pages()[0] || await context.newPage();
  try {
    await page.goto(base + "/?lang=en");
    await page.click("text=Sign up free");
    await page.fill("#email", "owner@example.com");
    await page.fill("#password", "hoshi-e2e-password");
    await page.fill("#org", "Starlight Bakery Ltd.");
    await page.click("button:has-text('Sign up')");
    await page.waitForURL("**/login?signed_up=1");
    await page.fill("#email", "owner@example.com");
    await page.fill("#password", "hoshi-e2e-password");
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Log in')")]);
    await page.goto(base + "/profile");
    await page.check("input[name=sole]");
    await page.selectOption("#prefecture", "27");
    await page.selectOption("#industry", "I");
    await page.selectOption("#employees", "1");
    await page.fill("#contact", "Hana Hoshi");
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Save')")]);
    await page.click("text=Next: the five basics");
    await page.waitForURL("**/star1");
    await page.click("text=My page");
    await page.click("text=Start or continue the diagnosis");
    for (let part = 1; part <= 3; part++) {
      await page.waitForURL(`**/diagnosis/part/${part}`);
      for (const radio of await page.locator("input[type=radio][value='1']").all()) await radio.check();
      await page.click(part < 3 ? "text=Save and continue" : "text=See the result");
    }
    await page.waitForURL(/\/diagnosis\/\d+$/);
    check("English: result page", (await page.textContent(".report .score .value")).trim() === "100");
    await shot(page, "en-01-result");
    await page.click("text=Write the basic policy");
    await page.fill("#representative", "Hana Hoshi, Owner");
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Draft it')")]);
    const drafted = await page.inputValue("#body");
    check("English: policy drafted in English", drafted.includes("Basic Policy"), drafted.slice(0, 200));
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Publish')")]);
    await page.click("text=Go on to the declaration");
    await page.click("text=Declare ★★");
    await page.waitForURL("**/declare?issued=1");
    const id = (await page.textContent(".declid")).trim();
    await shot(page, "en-02-declared");
    await page.click("text=Find declarations");
    await page.fill("#q", "starlight");
    await page.click("form[action='/registry'] button[type=submit]");
    await page.click(`a[href="/verify/${id}"]`);
    check("English: sign-up to a verified ★★",
      (await page.textContent(".verdict")).includes("valid") && (await page.textContent(".orgname")).includes("Starlight"));
    await shot(page, "en-03-verify");
    // The programme operator (seeded by --demo) sees the figures.
    await page.click("text=My page");
    await page.click("button:has-text('Log out')");
    await page.goto(base + "/login");
    await page.fill("#email", "operator@example.jp");
    await page.fill("#password", "hoshi-demo-2026");
    await Promise.all([page.waitForNavigation(), page.click("button:has-text('Log in')")]);
    await page.click("text=Open the operator page");
    check("English: operator page lists the new declaration", (await page.locator(`a[href="/verify/${id}"]`).count()) === 1);
    await shot(page, "en-04-operator");
  } catch (e) {
    check("English journey completed", false, String(e).slice(0, 2000));
    await shot(page, "en-zz-failure").catch(() => {});
  } finally {
    await context.close();
  }
}

main();
