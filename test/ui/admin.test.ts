import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { launchBrowser } from "../helpers/browser.js";
import { ADMIN_TOKEN, type TestServer, client, startServer } from "../helpers/server.js";

describe("admin page in a real browser", () => {
  let t: TestServer;
  let browser: Browser;
  let page: Page;
  const requests: string[] = [];
  const dialogs: string[] = [];
  const pageErrors: string[] = [];

  before(async () => {
    t = await startServer();
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("request", (r) => requests.push(r.url()));
    page.on("dialog", (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    page.on("pageerror", (e) => pageErrors.push(e.message));
    const admin = client(t.url, ADMIN_TOKEN);
    await admin("POST", "/api/v1/services", { body: { id: "arena", name: "Arena" } });
    await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "<img src=x onerror=alert(1)>", capacity: 4 } });
  });

  after(async () => {
    await browser?.close();
    await t.stop();
  });

  test("signs in with a token; a wrong token is refused", async () => {
    await page.goto(`${t.url}/admin/`);
    await page.fill("#token", "shk_wrong");
    await page.click("#login button[type=submit]");
    await page.waitForSelector("#login-error:has-text('not valid')");
    await page.fill("#token", ADMIN_TOKEN);
    await page.click("#login button[type=submit]");
    await page.waitForSelector("#who:has-text('admin (admin)')");
    await page.waitForSelector("#services tbody tr:has-text('arena')");
  });

  test("lists sessions, and a hostile session name is shown as text, never run", async () => {
    const row = page.locator("#sessions tbody tr").first();
    await row.waitFor();
    assert.equal(await row.locator("td").nth(1).textContent(), "<img src=x onerror=alert(1)>");
    assert.equal(await page.locator("#sessions img").count(), 0);
    assert.deepEqual(dialogs, []);
  });

  test("shows changes live: a session made elsewhere appears, and its end shows", async () => {
    const admin = client(t.url, ADMIN_TOKEN);
    await page.waitForSelector("#stream-state:has-text('live')");
    const made = await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "made-elsewhere" } });
    const row = page.locator(`#sessions tbody tr[data-id="${made.body.id}"]`);
    await row.waitFor({ timeout: 5000 });
    await page.waitForSelector(`#events li:has-text('session.created ${made.body.id}')`);
    await admin("POST", `/api/v1/sessions/${made.body.id}/end`, { body: {} });
    await page.waitForSelector(`#sessions tbody tr[data-id="${made.body.id}"] td:has-text('ended (closed)')`, { timeout: 5000 });
  });

  test("opens a session, ends it and deletes it from the page", async () => {
    const admin = client(t.url, ADMIN_TOKEN);
    const s = (await admin("POST", "/api/v1/sessions", { body: { serviceId: "arena", name: "to-end" } })).body;
    await admin("POST", `/api/v1/sessions/${s.id}/log`, { body: { lines: [{ type: "note", text: "NOTE: visible in the page" }] } });
    await page.locator(`#sessions tbody tr[data-id="${s.id}"]`).click();
    await page.waitForSelector("#log li:has-text('visible in the page')");
    await page.click("#end");
    await page.waitForSelector("#detail dd:has-text('ended')");
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).body.state, "ended");
    await page.click("#delete");
    await page.locator(`#sessions tbody tr[data-id="${s.id}"]`).waitFor({ state: "detached" });
    assert.equal((await admin("GET", `/api/v1/sessions/${s.id}`)).status, 404);
  });

  test("no request leaves the machine, no script error, and a strict CSP", async () => {
    const res = await fetch(`${t.url}/admin/`);
    await res.text();
    assert.match(res.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    const origin = new URL(t.url).origin;
    assert.ok(requests.length > 5);
    for (const url of requests) assert.ok(url.startsWith(origin), `request to ${url}`);
    assert.deepEqual(pageErrors, []);
  });
});
