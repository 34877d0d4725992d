import { mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import chromium from "@sparticuz/chromium";
import { type Browser, type Page, chromium as playwright } from "playwright-core";

/**
 * Headless Chromium from the @sparticuz/chromium package (no download at test time),
 * driven by playwright-core. Background networking is off: this machine's network is
 * closed and the page must not need anything but the server under test. The language is
 * set: under a POSIX locale Chromium reports `en-US@posix`, which Intl refuses.
 */
export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    headless: true,
    args: [...chromium.args, "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", "--lang=en-US"],
  });
}

/** Where browser tests leave their screenshots (git-ignored). */
export function screenshotDir(): string {
  const dir = fileURLToPath(new URL("../ui/screenshots/", import.meta.url));
  mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * What a page did, for tests to check what must not happen: script errors, content the
 * CSP refused (reported on the console), native alert dialogs, and every request.
 */
export function watch(page: Page) {
  const seen = { requests: [] as string[], errors: [] as string[], refused: [] as string[], dialogs: [] as string[] };
  page.on("request", (r) => seen.requests.push(r.url()));
  page.on("pageerror", (e) => seen.errors.push(e.message));
  page.on("console", (m) => m.type() === "error" && m.text().includes("Refused") && seen.refused.push(m.text()));
  page.on("dialog", (d) => {
    seen.dialogs.push(d.message());
    void d.dismiss();
  });
  return seen;
}

/** Opens the console and signs in with a token. */
export async function signIn(page: Page, url: string, token: string): Promise<void> {
  await page.goto(`${url}/admin/`);
  await page.evaluate("sessionStorage.clear()");
  await page.reload();
  await page.fill("#token", token);
  await page.click("#login button[type=submit]");
  await page.waitForSelector("#logout");
}
