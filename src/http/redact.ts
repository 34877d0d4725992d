/**
 * Secrets must never reach a log line. Request logs carry no headers at all; query
 * strings can carry passwords or tokens (game joins take `?password=`), so those values
 * are blanked. A key is judged by what the server will read from it — percent-decoded,
 * `+` as space, in any case — so `?pass%77ord=` and `?PASSWORD=` are blanked as well.
 */
const SECRET_WORD = /pass(?:word|wd|phrase)?|pwd|secret|token|jwt|credential|authori[sz]ation|^auth$|^(?:api_?)?key$|^code$/;

function decodeKey(raw: string): string {
  const spaced = raw.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
}

/** Keys judged so far: a client sends the same few (`status`, `sort`, `limit`) again and again. */
const judged = new Map<string, boolean>();
const MAX_JUDGED = 1000;
/** Longer keys are judged each time: the memo's memory is bounded by count and by size. */
const LONGEST_JUDGED = 128;

/** A key such as `password`, `user[password]`, `refresh_token` or `api-key`. */
function isSecretKey(raw: string): boolean {
  let secret = judged.get(raw);
  if (secret === undefined) {
    const key = decodeKey(raw).toLowerCase();
    secret = key.split(/[^a-z0-9_]+/).some((part) => part !== "" && SECRET_WORD.test(part));
    // Keys are the client's to choose: the memory stays bounded whatever they send.
    if (raw.length <= LONGEST_JUDGED) {
      if (judged.size >= MAX_JUDGED) judged.clear();
      judged.set(raw, secret);
    }
  }
  return secret;
}

export function redactUrl(url: string): string {
  const question = url.indexOf("?");
  if (question < 0) return url;
  const pairs = url.slice(question + 1).split("&");
  let changed = false;
  for (let i = 0; i < pairs.length; i += 1) {
    const pair = pairs[i]!;
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (eq >= 0 && eq < pair.length - 1 && isSecretKey(key)) {
      pairs[i] = `${key}=[REDACTED]`;
      changed = true;
    }
  }
  return changed ? `${url.slice(0, question + 1)}${pairs.join("&")}` : url;
}
