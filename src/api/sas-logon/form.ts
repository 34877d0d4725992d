/**
 * The parameters of a token request: `application/x-www-form-urlencoded` (saspy,
 * restaf) or `multipart/form-data` text fields (sasjs). Null when the body is neither.
 */

const MAX_PARTS = 32;

function multipart(body: string, boundary: string): Record<string, string> | null {
  const out: Record<string, string> = {};
  const parts = body.split(`--${boundary}`);
  if (parts.length < 2 || parts.length > MAX_PARTS + 2) return null;
  for (const part of parts.slice(1)) {
    if (part.startsWith("--")) break;
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) return null;
    const headers = part.slice(0, split);
    const name = /content-disposition:[^\r\n]*\bname="([^"]*)"/i.exec(headers)?.[1];
    if (name === undefined) return null;
    if (/\bfilename=/i.test(headers)) continue;
    out[name] = part.slice(split + 4).replace(/\r\n$/, "");
  }
  return out;
}

export function formParameters(contentType: string | undefined, body: Buffer | undefined): Record<string, string> | null {
  const type = (contentType ?? "").split(";")[0]!.trim().toLowerCase();
  const text = body?.toString("utf8") ?? "";
  if (type === "application/x-www-form-urlencoded" || (type === "" && text === "")) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (type === "multipart/form-data") {
    const boundary = /boundary="?([^";]+)"?/i.exec(contentType ?? "")?.[1];
    return boundary ? multipart(text, boundary) : null;
  }
  return null;
}
