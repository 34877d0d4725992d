import type { FastifyRequest } from "fastify";
import { CoreError } from "../../core/errors.js";
import type { Session } from "../../core/types.js";
import { matchesStrongly, parseTagList } from "../../http/conditional.js";
import { type Api, linksFor } from "./api.js";
import { singleDocument } from "./collection.js";
import { renderSession } from "./render-session.js";
import { EVERYTHING } from "./session-reader.js";
import { entityTag } from "./send.js";
import { parseHttpDate } from "./time-format.js";

export type Guard = (current: Session) => void;

const refuse = () => new CoreError("precondition-failed", "The precondition of the request does not hold.");

/** Last-Modified has second precision: modified after `date` when its second is later. */
export const modifiedAfter = (updatedAt: number, date: number) => Math.floor(updatedAt / 1000) * 1000 > date;

/** The first `updatedAt` that counts as modified after `date`. */
export const modifiedFrom = (date: number) => (Math.floor(date / 1000) + 1) * 1000;

/**
 * `If-Match` as the test of a current tag (strong comparison), null when there is no tag
 * to compare (absent, or `*`, which any existing resource satisfies); `If-Unmodified-Since`.
 */
export function conditions(req: FastifyRequest) {
  const ifMatch = req.headers["if-match"];
  const compare = ifMatch !== undefined && parseTagList(ifMatch) !== "*";
  return {
    tagMatches: compare ? (tag: string) => matchesStrongly(ifMatch, tag) : null,
    unmodifiedSince: parseHttpDate(req.headers["if-unmodified-since"]),
  };
}

/**
 * `If-Match` and `If-Unmodified-Since` of a write on one session, as a guard the core runs
 * on the locked session before any change, in the same transaction. The ETag compared
 * is that of the session's document rendered from the locked row at this request's time.
 */
export async function sessionGuard(req: FastifyRequest, api: Api, s: Session): Promise<Guard | undefined> {
  const { tagMatches, unmodifiedSince } = conditions(req);
  if (tagMatches === null && unmodifiedSince === null) return undefined;
  let tagOf: ((current: Session) => string) | null = null;
  if (tagMatches !== null) {
    const now = api.hub.clock();
    const links = linksFor(req, api.config);
    const extras = (await api.reader.extras([s], EVERYTHING, now)).get(s.id)!;
    tagOf = (current) => entityTag(singleDocument(renderSession(current, extras, { now, links }), null));
  }
  return (current) => {
    if (tagMatches && tagOf && !tagMatches(tagOf(current))) throw refuse();
    if (unmodifiedSince !== null && modifiedAfter(current.updatedAt, unmodifiedSince)) throw refuse();
  };
}
