import { CoreError, forbidden, isCoreError, notFound } from "../../../core/errors.js";
import * as policy from "../../../core/policy.js";
import { versionFromIfMatch } from "../../../http/conditional.js";
import type { FamilyContext } from "../../context.js";
import { gamePatch } from "../changes.js";
import { GameError, MESSAGES, body, validationError } from "../errors.js";
import type { TypeBoxApp } from "../../../http/app.js";
import { sendSession } from "../render.js";
import * as S from "../schemas.js";
import type { GameService } from "../service.js";

const stale = () => new CoreError("version-conflict", MESSAGES.staleVersion);

/**
 * The version a PUT must match: the body's `version` and/or `If-Match`. At least one is
 * required (a missing version never passes, unlike the original framework's), and each
 * one sent must be the current version; the core checks it in the write's transaction.
 */
function expectedVersion(bodyVersion: number | null | undefined, ifMatch: string | undefined): number {
  const header = versionFromIfMatch(ifMatch);
  if (header === "invalid") throw stale();
  const sent = [bodyVersion ?? undefined, header === "*" ? undefined : header].filter((v): v is number => v !== undefined);
  if (sent.length === 0 || sent.some((v) => v !== sent[0])) throw stale();
  return sent[0]!;
}

/** Update (E6): a merge with compare-and-set on `version`, checked in the contract's order. */
export function updateRoute(app: TypeBoxApp, ctx: FamilyContext, service: GameService): void {
  app.put(
    "/:id",
    { schema: { params: S.SessionParams, body: S.UpdateBody, response: { 200: S.Session } }, attachValidation: true },
    async (req, reply) => {
      const p = req.principal;
      const seen = await service.read(p, req.params.id);
      if (!policy.canModify(p, seen)) throw forbidden();
      if (req.validationError) throw new GameError(validationError(req.validationError));
      const input = req.body;
      if (input.uid !== undefined && input.uid !== null && (typeof input.uid !== "string" || input.uid.toLowerCase() !== seen.id)) {
        throw new GameError(body(400, "api-013", MESSAGES.mismatch));
      }
      const version = expectedVersion(input.version, req.headers["if-match"]);
      const maxUsers = await service.maxUsers();
      const password = input.password || undefined;
      try {
        const { session } = await ctx.hub.sessions.update(p, seen.id, (current) => gamePatch(p, current, input, maxUsers), {
          expectedVersion: version,
          alwaysBump: true,
          ...(password ? { password } : {}),
        });
        return sendSession(reply, session);
      } catch (e) {
        // It ended between the read and the write: gone, as far as this family is concerned.
        if (isCoreError(e, "conflict")) throw notFound();
        throw e;
      }
    },
  );
}
