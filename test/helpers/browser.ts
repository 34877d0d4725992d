import chromium from "@sparticuz/chromium";
import { type Browser, chromium as playwright } from "playwright-core";

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
