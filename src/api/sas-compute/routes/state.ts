import type { FastifyInstance } from "fastify";
import { waitFor } from "../../../core/wait.js";
import { sessionFailed, sessionNotFound } from "../errors.js";
import { sessionTag, stateWord } from "../ids.js";
import { type Kit, type Params, clientGone, noneMatch, requireIfMatch, seconds, stateValue } from "../kit.js";
import { sendText } from "../media.js";
import { resource } from "../plugin.js";
import { deleteSession } from "./sessions.js";

export function stateRoutes(app: FastifyInstance, kit: Kit): void {
  resource(app, "/sessions/:sid/state", {
    // The bare state word; with the current ETag in If-None-Match and `wait`, a long poll
    // that answers on the next change of state, or 304 when `wait` runs out.
    GET: async (req, reply) => {
      const s = await kit.session(req);
      const tag = sessionTag(s);
      if (!noneMatch(req, tag)) return sendText(reply.header("etag", tag), 200, stateWord(s));
      const wait = seconds((req.query as Record<string, unknown>).wait, kit.limits.maxWaitSeconds);
      // Without `wait` the session just read is the answer: its tag matches.
      if (wait === 0) return reply.code(304).send();
      await waitFor(kit.hub.bus, s.id, wait * 1000, async () => {
        const now = await kit.hub.sessions.find(s.id);
        return !now || sessionTag(now) !== tag;
      }, { signal: clientGone(reply) });
      const now = await kit.hub.sessions.find(s.id);
      if (!now || (now.state === "ended" && now.endReason !== "failed")) throw sessionNotFound((req.params as Params).sid ?? "");
      const current = sessionTag(now);
      if (current === tag) return reply.code(304).send();
      return sendText(reply.header("etag", current), 200, stateWord(now));
    },
    PUT: async (req, reply) => {
      const s = await kit.session(req);
      kit.changeable(req, s);
      const value = stateValue(req);
      requireIfMatch(req, sessionTag(s));
      if (value === "deleted") {
        if (!(await deleteSession(kit, req, s))) throw sessionNotFound((req.params as Params).sid ?? "");
        return sendText(reply, 200, "deleted");
      }
      if (s.state === "ended") throw sessionFailed();
      // Cancel everything queued and running (and start-up code), and answer once it has all ended.
      const touched = await kit.hub.jobs.cancelAll(s.id);
      kit.compute.runner.cancelStartup(s.id);
      if (touched.length > 0 || s.state === "pending") {
        const limits = await kit.compute.limitsOfSession(s);
        await waitFor(kit.hub.bus, s.id, limits.cancelGraceMs + 1000, async () => {
          const active = await kit.hub.jobs.ofSession(s.id, ["pending", "running"]);
          const now = await kit.hub.sessions.find(s.id);
          return active.length === 0 && now?.state !== "pending" && now?.state !== "running";
        });
      }
      const now = (await kit.hub.sessions.find(s.id)) ?? s;
      return sendText(reply.header("etag", sessionTag(now)), 200, "canceled");
    },
  });
}
