import type { FastifyRequest } from "fastify";
import { RoundwareError, detail, mediaTypeOf, unsupportedMediaType } from "./errors.js";
import { parseJson } from "../../http/json.js";

/** The request media types an endpoint takes (contract §3.7). */
export type BodyKind = "json" | "form" | "multipart";

export type Body = Record<string, unknown>;

const MEDIA: Record<string, BodyKind> = {
  "application/json": "json",
  "application/x-www-form-urlencoded": "form",
  "multipart/form-data": "multipart",
};

/** Python's names for JSON values, as DRF reports them. */
function pythonType(value: unknown, text: string): string {
  if (value === null) return "NoneType";
  if (Array.isArray(value)) return "list";
  if (typeof value === "string") return "str";
  if (typeof value === "boolean") return "bool";
  return /^-?\d+$/.test(text.trim()) ? "int" : "float";
}

function jsonObject(raw: Buffer): Body {
  let text: string;
  let value: unknown;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(raw);
    value = parseJson(text);
  } catch (e) {
    throw detail(400, `JSON parse error - ${(e as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new RoundwareError(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${pythonType(value, text)}.`] });
  }
  return value as Body;
}

/** Form fields; a repeated field's last value wins, as Django's QueryDict.get does. */
function parseForm(raw: Buffer): Body {
  return Object.fromEntries(new URLSearchParams(raw.toString("utf8")));
}

/** The text fields of a multipart body (files are not taken by any endpoint). */
function parseMultipart(raw: Buffer, contentType: string): Body {
  const match = /boundary=(?:"([^"]{1,70})"|([^\s;]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) throw detail(400, "Multipart form parse error - Invalid boundary in multipart: None");
  const fields: Body = {};
  const text = raw.toString("latin1");
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith("--")) break;
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(head)?.[1];
    if (name === undefined || /\bfilename=/i.test(head)) continue;
    Object.defineProperty(fields, name, {
      value: Buffer.from(part.slice(split + 4).replace(/\r\n$/, ""), "latin1").toString("utf8"),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return fields;
}

/**
 * The request body as a dictionary. An empty body is `{}` whatever its media type; a
 * body without a Content-Type is read as JSON (the docs' Python examples send that).
 */
export function readBody(req: FastifyRequest, accepted: readonly BodyKind[]): Body {
  const raw = req.body as Buffer | undefined;
  if (!raw || raw.length === 0) return {};
  const mediaType = mediaTypeOf(req);
  const kind = mediaType === "" && req.headers["content-type"] === undefined ? "json" : MEDIA[mediaType.toLowerCase()];
  if (!kind || !accepted.includes(kind)) throw unsupportedMediaType(mediaType);
  if (kind === "json") return jsonObject(raw);
  if (kind === "form") return parseForm(raw);
  return parseMultipart(raw, req.headers["content-type"] ?? "");
}

export const has = (body: Body, key: string): boolean => Object.hasOwn(body, key);
