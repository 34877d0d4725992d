import { readFileSync } from "node:fs";
import type { TlsFiles } from "./edge/listener.js";

/** A listener's certificate and key, as PEM file paths; both empty: plain HTTP. */
export interface TlsSettings {
  key: string;
  cert: string;
}

export const NO_TLS: TlsSettings = { key: "", cert: "" };

function read(path: string, what: string, setting: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    throw new Error(`cannot read the TLS ${what} of ${setting} (${path}): ${(e as Error).message}`);
  }
}

/** The files of a listener's TLS settings, or null for plain HTTP; `setting` names the config path in messages. */
export function loadTls(settings: TlsSettings, setting: string): TlsFiles | null {
  if (!settings.key && !settings.cert) return null;
  if (!settings.key || !settings.cert) throw new Error(`${setting} needs both a key and a cert (PEM files), or neither`);
  return { key: read(settings.key, "key", setting), cert: read(settings.cert, "certificate", setting) };
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|\[::1\]|localhost)$/i;

export const isLoopback = (host: string) => LOOPBACK.test(host);
