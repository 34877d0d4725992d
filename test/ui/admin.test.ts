import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, screenshotDir, signIn, watch } from "../helpers/browser.js";
import { ADMIN_TOKEN, type TestServer, client, startServer, usersWithTokens } from "../helpers/server.js";

/** Controls without an accessible name: no aria-label, no label, no text (run in the page). */
const UNNAMED_CONTROLS = `[...document.querySelectorAll("button, input, select, textarea, a[href]")]
  .filter((el) => !(el.getAttribute("aria-label") || el.labels?.[0]?.textContent || (/^(A|BUTTON)$/.test(el.tagName) && el.textContent) || "").trim())
  .map((el) => el.outerHTML.slice(0, 120))`;
const FOCUS_ON_ROW = `document.activeElement?.classList.contains("open") === true`;

/**
 * The console as an administrator sees it, in a real browser against a real server.
 * The store is seeded with a known set, so the numbers on screen can be checked:
 * 120 sessions on `bulk` (every 4th ended, every 3rd with status lobby, every 10th with
 * "needle" in its name, bob a member of 5) and one on `arena` with a hostile name.
 */
describe("console in a real browser, as an administrator", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let seen: ReturnType<typeof watch>;
  let admin: ReturnType<typeof client>;
  const shots = screenshotDir();
  const hostile = "<img src=x onerror=alert(1)>";

  before(async () => {
    t = await startServer();
    admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "arena", name: "Arena" } });
    await admin("POST", "/api/v1/services", { body: { id: "bulk", name: "Bulk" } });
    const { bob } = await usersWithTokens(t.url, ["bob"]);
    const asBob = client(t.url, bob);
    await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: hostile, capacity: 4 } });
    for (let i = 0; i < 120; i += 1) {
      const name = `bulk-${String(i).padStart(3, "0")}${i % 10 === 0 ? " needle" : ""}`;
      const s = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "bulk", name, ...(i % 3 === 0 ? { status: "lobby" } : {}) } })).body;
      if (i % 4 === 3) await admin("POST", `/api/v1/sessions/${s.id}/end`, { body: {} });
      if (i >= 100 && i < 110 && i % 2 === 0) await asBob("POST", `/api/v1/sessions/${s.id}/members`, { body: {} });
    }
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    seen = watch(page);
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  const text = (selector: string) => page.locator(selector).innerText();
  const go = async (name: string) => {
    await page.getByRole("link", { name, exact: true }).click();
    await page.waitForSelector(`h1:text-is('${name === "Events" ? "Live events" : name === "Tokens" ? "API tokens" : name}')`);
  };

  test("before sign-in only the token form shows; a wrong token is refused; after sign-in the form and its error are gone", async () => {
    await page.goto(`${t.url}/admin/`);
    await page.waitForSelector("#login");
    assert.equal(await page.locator("nav, #main .cards, #sessions, #logout").count(), 0);
    await page.fill("#token", "shk_wrong");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("#login [role=alert]:has-text('not valid')");
    await page.fill("#token", ADMIN_TOKEN);
    await page.click("#login button[type=submit]");
    await page.waitForSelector("#who:has-text('admin')");
    assert.equal(await page.locator("#login, #token, [role=alert]").count(), 0);
    assert.deepEqual(await page.locator("nav a").allInnerTexts(), ["Overview", "Sessions", "Events", "Services", "Users", "Tokens"]);
  });

  test("the overview's numbers and charts are the store's", async () => {
    await page.waitForSelector("#live-count");
    assert.match(await text("#live-count"), /^91\s+live sessions/);
    assert.match(await text("#members-count"), /^5\s+members/);
    assert.match(await text("#created-count"), /^121\s+created in the last hour/);
    assert.match(await text("#ended-count"), /^30\s+ended in the last hour/);
    const bar = (table: string, label: string) => text(`#${table} tr[data-label='${label}'] td.value`);
    assert.deepEqual(await Promise.all(["pending", "idle", "running", "ended"].map((s) => bar("by-state", s))), ["0", "91", "0", "30"]);
    assert.equal(await bar("by-service", "bulk"), "90");
    assert.equal(await bar("by-service", "arena"), "1");
    const column = async (n: number) => (await page.locator(`#per-minute tbody td:nth-child(${n})`).allTextContents()).reduce((a, b) => a + Number(b), 0);
    assert.deepEqual([await column(2), await column(3)], [121, 30], "the per-minute series add up to what was created and ended");
    assert.equal(await page.locator(".chart canvas").count(), 1, "uPlot drew the per-minute chart");
    assert.match((await page.locator(".chart").getAttribute("aria-label")) ?? "", /121 sessions created and 30 ended/);
  });

  test("the events list starts with recent events named by session number and name", async () => {
    await go("Events");
    await page.waitForSelector("#events li");
    assert.ok((await page.locator("#events li").count()) >= 100, "filled from the recent past at load");
    const first = await text("#events li:first-child");
    assert.match(first, /#\d+ bulk-119/);
    assert.doesNotMatch(first, /[0-9a-f]{8}-[0-9a-f]{4}-/, "no bare UUID");
  });

  test("a session created through the API appears in the list, the events and the overview without reload", async () => {
    await go("Sessions");
    await page.waitForSelector("#sessions tbody tr");
    assert.match(await text("#sessions-total"), /121 in all/);
    const made = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "made-elsewhere" } })).body;
    await page.waitForSelector(`#sessions tbody tr[data-id='${made.id}']:has-text('made-elsewhere')`);
    await page.waitForSelector("#sessions-total:has-text('122 in all')");
    await go("Events");
    await page.waitForSelector(`#events li:has-text('#${made.number} made-elsewhere')`);
    await go("Overview");
    await page.waitForSelector("#live-count .big:text-is('92')");
  });

  test("search, filters, sort and paging are the server's", async () => {
    await go("Sessions");
    const total = (n: number) => page.waitForSelector(`#sessions-total:has-text('${n} matching')`);
    await page.getByLabel("Search by name").fill("NEEDLE");
    await total(12);
    assert.equal(await page.locator("#sessions tbody tr").count(), 12);
    await page.getByRole("button", { name: "Clear filters" }).click();
    await page.waitForSelector("#sessions-total:has-text('122 in all')");
    await page.getByLabel("Service").selectOption("bulk");
    await page.getByLabel("State").selectOption("ended");
    await total(30);
    await page.getByLabel("State").selectOption("");
    await page.getByLabel("Status").fill("lobby");
    await total(40);
    await page.getByLabel("Status").fill("");
    await page.getByLabel("Member").fill("bob");
    await total(5);
    await page.getByLabel("Member").fill("");
    await total(120);

    await page.getByRole("button", { name: "Name", exact: false }).click();
    await page.waitForSelector("th[aria-sort=ascending]:has-text('Name')");
    await page.waitForSelector("#sessions tbody tr:first-child td.name:text-is('bulk-000 needle')");
    await page.getByRole("button", { name: "Name", exact: false }).click();
    await page.waitForSelector("#sessions tbody tr:first-child td.name:text-is('bulk-119')");

    await page.getByLabel("Per page").selectOption("25");
    await page.waitForSelector("#range:text-is('1–25 of 120')");
    await page.getByRole("button", { name: "Next page" }).click();
    await page.waitForSelector("#range:text-is('26–50 of 120')");
    await page.waitForSelector("#sessions tbody tr:first-child td.name:text-is('bulk-094')");
    await page.getByLabel("Page", { exact: true }).fill("5");
    await page.getByRole("button", { name: "Go" }).click();
    await page.waitForSelector("#range:text-is('101–120 of 120')");
    assert.equal(await page.getByRole("button", { name: "Last page" }).isDisabled(), true);
    assert.equal(await page.locator("#sessions tbody tr").count(), 20);
    const lists = seen.requests.filter((u) => u.includes("/api/v1/sessions?"));
    assert.ok(lists.some((u) => u.includes("q=NEEDLE")), "search is a query parameter");
    assert.ok(lists.some((u) => /offset=100\b/.test(u) && u.includes("limit=25") && u.includes("sort=-name")), "paging and sort are query parameters");
    await page.getByRole("button", { name: "Clear filters" }).click();
  });

  test("the drawer shows a log line appended through the API, and ends, kills and deletes only after a confirmation", async () => {
    const s = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "drawer-target", capacity: 3, attributes: { map: "dust" } } })).body;
    await admin("POST", `/api/v1/sessions/${s.id}/log`, { body: { lines: [{ type: "note", text: "NOTE: first line" }] } });
    await page.goto(`${t.url}/admin/#/sessions?q=drawer-target`);
    await page.getByRole("button", { name: `Open session #${s.number} drawer-target` }).click();
    const drawer = page.locator("dialog.drawer");
    await drawer.locator("#log li:has-text('first line')").waitFor();
    assert.match(await drawer.locator("h2").innerText(), new RegExp(`Session #${s.number} drawer-target`));
    await admin("POST", `/api/v1/sessions/${s.id}/log`, { body: { lines: [{ type: "warning", text: "WARNING: appended live" }] } });
    await drawer.locator("#log li.line-warning:has-text('appended live')").waitFor();
    assert.equal(await drawer.locator("#attributes").innerText(), JSON.stringify({ map: "dust" }, null, 2));

    await drawer.locator("#end").click();
    const confirm = page.locator("dialog.confirm");
    await confirm.waitFor();
    assert.match(await confirm.innerText(), new RegExp(`End session #${s.number} drawer-target\\?`));
    await confirm.getByRole("button", { name: "Cancel" }).click();
    await confirm.waitFor({ state: "detached" });
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).body.state, "idle", "Cancel changes nothing");
    await drawer.locator("#end").click();
    await confirm.getByRole("button", { name: "End session" }).click();
    await drawer.locator(".badge:text-is('ended (closed)')").waitFor();
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).body.endReason, "closed");
    assert.equal(await drawer.locator("#end, #kill").count(), 0, "an ended session offers no end");

    await drawer.locator("#delete").click();
    await confirm.getByRole("button", { name: "Delete session" }).click();
    await drawer.waitFor({ state: "detached" });
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).status, 404);

    const victim = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "to-kill" } })).body;
    await page.goto(`${t.url}/admin/#/sessions?q=to-kill`);
    await page.getByRole("button", { name: `Open session #${victim.number} to-kill` }).click();
    await drawer.locator("#kill").click();
    await confirm.getByRole("button", { name: "Kill session" }).click();
    await drawer.locator(".badge:text-is('ended (killed)')").waitFor();
    await page.keyboard.press("Escape");
    await drawer.waitFor({ state: "detached" });
  });

  test("every control is labelled, and the list and the drawer work from the keyboard", async () => {
    for (const name of ["Overview", "Sessions", "Events", "Services", "Users", "Tokens"]) {
      await go(name);
      const unnamed = await page.evaluate(UNNAMED_CONTROLS);
      assert.deepEqual(unnamed, [], `on ${name}`);
    }
    await go("Sessions");
    await page.locator("#sessions tbody tr").first().waitFor();
    await page.getByLabel("Search by name").focus();
    for (let i = 0; i < 40 && !(await page.evaluate(FOCUS_ON_ROW)); i += 1) await page.keyboard.press("Tab");
    assert.equal(await page.evaluate(FOCUS_ON_ROW), true, "Tab reaches the first session");
    await page.keyboard.press("Enter");
    await page.locator("dialog.drawer").waitFor();
    await page.keyboard.press("Escape");
    await page.locator("dialog.drawer").waitFor({ state: "detached" });
    assert.equal(await page.evaluate(FOCUS_ON_ROW), true, "focus returns to the row");
  });

  test("services, users and tokens are managed from their pages", async () => {
    await go("Services");
    await page.locator("#new-service").getByLabel("Id", { exact: true }).fill("made-in-ui");
    await page.locator("#new-service").getByLabel("Name", { exact: true }).fill("Made in the UI");
    await page.getByRole("button", { name: "Create service" }).click();
    await page.waitForSelector("#services tr[data-id='made-in-ui']:has-text('Made in the UI')");
    await page.getByRole("button", { name: "Change service made-in-ui" }).click();
    await page.locator("#edit-service-title").waitFor();
    await page.locator("dialog").getByLabel("Name", { exact: true }).fill("Renamed");
    await page.locator("dialog").getByRole("button", { name: "Save" }).click();
    await page.waitForSelector("#services tr[data-id='made-in-ui']:has-text('Renamed')");
    await page.getByRole("button", { name: "Delete service made-in-ui" }).click();
    await page.locator("dialog.confirm").getByRole("button", { name: "Delete service" }).click();
    await page.locator("#services tr[data-id='made-in-ui']").waitFor({ state: "detached" });

    await go("Users");
    await page.locator("#new-user").getByLabel("Id", { exact: true }).fill("carol");
    await page.getByRole("button", { name: "Create user" }).click();
    await page.waitForSelector("#users tr[data-id='carol']");

    await go("Tokens");
    await page.locator("#new-token").getByLabel("User").selectOption("carol");
    await page.locator("#new-token").getByLabel("Name", { exact: true }).fill("carol's laptop");
    await page.getByRole("button", { name: "Create token" }).click();
    const secret = await page.locator("#issued-secret").inputValue();
    assert.match(secret, /^shk_/);
    assert.equal((await client(t.url, secret)("GET", "/api/v1/me")).body.userId, "carol", "the secret shown works");
    await page.getByRole("button", { name: "Done" }).click();
    await page.getByRole("button", { name: "Revoke token carol's laptop" }).click();
    await page.locator("dialog.confirm").getByRole("button", { name: "Revoke token" }).click();
    await page.waitForSelector("#tokens tr.ended:has-text(\"carol's laptop\")");
    assert.equal((await client(t.url, secret)("GET", "/api/v1/me")).status, 401);
  });

  test("screenshots of the overview and the drawer at 1280x800 and 390x844, with nothing wider than the screen", async () => {
    const s = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "Friday league final", capacity: 8, status: "in-game", attributes: { map: "dust", round: 3 } } })).body;
    await client(t.url, (await usersWithTokens(t.url, ["dana"])).dana)("POST", `/api/v1/sessions/${s.id}/members`, { body: {} });
    await admin("POST", `/api/v1/sessions/${s.id}/log`, { body: { lines: [{ type: "note", text: "NOTE: round 3 started" }, { type: "warning", text: "WARNING: player lagging" }] } });
    for (const [width, height] of [
      [1280, 800],
      [390, 844],
    ] as const) {
      await page.setViewportSize({ width, height });
      await go("Overview");
      await page.waitForSelector("#live-count");
      await page.waitForTimeout(300);
      assert.ok(Number(await page.evaluate("document.documentElement.scrollWidth")) <= width, `the overview fits ${width} px`);
      await page.screenshot({ path: join(shots, `overview-${width}x${height}.png`), fullPage: true });
      await go("Sessions");
      await page.locator("#sessions tbody tr").first().waitFor();
      assert.ok(Number(await page.evaluate("document.documentElement.scrollWidth")) <= width, `the sessions list fits ${width} px`);
      await page.screenshot({ path: join(shots, `sessions-${width}x${height}.png`) });
      await page.getByRole("button", { name: `Open session #${s.number} Friday league final` }).click();
      await page.locator("dialog.drawer #log li").nth(1).waitFor();
      await page.screenshot({ path: join(shots, `drawer-${width}x${height}.png`) });
      await page.keyboard.press("Escape");
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  test("a hostile name is text; strict CSP and cache headers; no request leaves the machine; no script error", async () => {
    await go("Sessions");
    await page.getByLabel("Search by name").fill("<img");
    const cell = page.locator("#sessions td.name", { hasText: "<img" });
    await cell.waitFor();
    assert.equal(await cell.innerText(), hostile);
    assert.equal(await page.locator("#main img").count(), 0);
    assert.deepEqual(seen.dialogs, []);

    const index = await fetch(`${t.url}/admin/`);
    const html = await index.text();
    assert.match(index.headers.get("content-security-policy") ?? "", /default-src 'none'; script-src 'self'; style-src 'self'/);
    assert.equal(index.headers.get("cache-control"), "no-cache");
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>|<style|style=/, "no inline script or style");
    const asset = html.match(/\/admin\/assets\/[^"]+\.js/)![0];
    const script = await fetch(t.url + asset);
    await script.arrayBuffer();
    assert.equal(script.headers.get("cache-control"), "public, max-age=31536000, immutable");
    assert.match(script.headers.get("content-security-policy") ?? "", /script-src 'self'/);

    const origin = new URL(t.url).origin;
    assert.ok(seen.requests.length > 20);
    for (const url of seen.requests) assert.ok(url.startsWith(origin), `request to ${url}`);
    assert.deepEqual(seen.errors, []);
    assert.deepEqual(seen.refused, [], "the CSP refused nothing the page does");
  });
});
