import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser, signIn, watch } from "../helpers/browser.js";
import { ADMIN_TOKEN, type TestServer, client, startServer, usersWithTokens } from "../helpers/server.js";

/** The console as a user who is not an administrator: what they may read, and only the actions they may take. */
describe("console in a real browser, as a user who is not an administrator", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  let seen: ReturnType<typeof watch>;
  let tokens: Record<string, string>;
  const made: Record<string, { id: string; number: number }> = {};

  before(async () => {
    t = await startServer();
    const admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "arena" } });
    tokens = await usersWithTokens(t.url, ["alice", "bob"]);
    const alice = client(t.url, tokens.alice!);
    const bob = client(t.url, tokens.bob!);
    made.own = (await alice("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "alice's own" } })).body;
    made.others = (await bob("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "bob's public" } })).body;
    made.secret = (await bob("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "bob's secret", visibility: "private" } })).body;
    made.shared = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "system table", owner: null } })).body;
    await alice("POST", `/api/v1/sessions/${made.shared!.id}/members`, { body: {} });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    seen = watch(page);
    await signIn(page, t.url, tokens.alice!);
  });

  after(async () => {
    await browser?.close();
    await t?.stop();
  });

  test("no administrator's page, form or badge", async () => {
    assert.deepEqual(await page.locator("nav a").allInnerTexts(), ["Overview", "Sessions", "Events"]);
    assert.equal(await page.locator("#who .badge").count(), 0);
    for (const hash of ["#/services", "#/users", "#/tokens"]) {
      await page.goto(`${t.url}/admin/${hash}`);
      await page.waitForSelector("h1:text-is('Overview')");
      assert.equal(await page.locator("#new-service, #new-user, #new-token, #services, #users, #tokens").count(), 0, hash);
    }
  });

  test("the overview counts the user's own sessions; the list shows what they may read", async () => {
    await page.goto(`${t.url}/admin/#/overview`);
    await page.waitForSelector("#live-count");
    assert.match(await page.locator("#live-count").innerText(), /^2\s+live sessions/, "alice's own and the one she joined");
    assert.match(await page.locator(".page-head p").innerText(), /Your sessions/);
    await page.goto(`${t.url}/admin/#/sessions`);
    await page.waitForSelector("#sessions-total:has-text('3 in all')");
    assert.equal(await page.locator("#sessions td.name:text-is(\"bob's secret\")").count(), 0);
  });

  test("the drawer offers only what the policy allows: nothing on another's session, end and delete on one's own", async () => {
    const open = async (key: string, name: string) => {
      await page.getByRole("button", { name: `Open session #${made[key]!.number} ${name}` }).click();
      await page.locator(`dialog.drawer h2:has-text("${name}")`).waitFor();
      const buttons = await page.locator("dialog.drawer .actions button").allInnerTexts();
      await page.keyboard.press("Escape");
      await page.locator("dialog.drawer").waitFor({ state: "detached" });
      return buttons;
    };
    assert.deepEqual(await open("others", "bob's public"), []);
    assert.deepEqual(await open("own", "alice's own"), ["End", "Delete"]);
    assert.deepEqual(await open("shared", "system table"), ["End"], "a member may end a session without an owner");
    assert.deepEqual(seen.errors, []);
  });
});
