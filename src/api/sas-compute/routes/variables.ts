import type { FastifyInstance } from "fastify";
import type { Session } from "../../../core/types.js";
import { select, sessionCollection } from "../collection.js";
import { notFound } from "../errors.js";
import type { Fields } from "../filter.js";
import type { Kit, Params } from "../kit.js";
import { T, negotiate, sendJson, sendText, wantsText } from "../media.js";
import { resource } from "../plugin.js";
import { type Variable, variable } from "../render.js";
import { sasId } from "../ids.js";

const FIELDS: Fields = { name: { kind: "string" }, value: { kind: "string" }, scope: { kind: "string" } };

/** The session's variables: those jobs set (GLOBAL) and the synthesised AUTOMATIC ones, by name. */
async function all(kit: Kit, s: Session): Promise<Variable[]> {
  const stored = await kit.compute.data(s.id, await kit.compute.limitsOfSession(s)).variables();
  const automatic: Record<string, string> = {
    SYSCC: String(kit.compute.runner.counters(s).lastCode),
    SYSJOBID: String(s.number),
    SYS_COMPUTE_SESSION_ID: sasId(s),
    SYSUSERID: s.owner ?? "",
  };
  const out: Variable[] = [
    ...Object.entries(stored).filter(([name]) => !(name in automatic)).map(([name, value]) => ({ name, value, scope: "GLOBAL" as const })),
    ...Object.entries(automatic).map(([name, value]) => ({ name, value, scope: "AUTOMATIC" as const })),
  ];
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export function variableRoutes(app: FastifyInstance, kit: Kit): void {
  resource(app, "/sessions/:sid/variables", {
    GET: async (req, reply) => {
      const text = wantsText(req);
      const form = text ? "vendor" : negotiate(req, T.collection);
      const s = await kit.session(req);
      const vars = await all(kit, s);
      if (text) return sendText(reply, 200, vars.map((v) => `${v.name}=${v.value}\r\n`).join(""));
      const page = select(kit, req, vars, FIELDS, (v, f) => (f === "value" ? v.value : f === "scope" ? v.scope : v.name), {
        defaultSort: "name",
        defaultLimit: 10,
      });
      const body = sessionCollection(req, s, "variables", T.variable, page, page.items.map((v) => variable(s, v)));
      return sendJson(reply, 200, T.collection, form, body);
    },
  });

  resource(app, "/sessions/:sid/variables/:name", {
    GET: async (req, reply) => {
      const text = wantsText(req);
      const form = text ? "vendor" : negotiate(req, T.variable);
      const s = await kit.session(req);
      const name = ((req.params as Params).name ?? "").toUpperCase();
      const found = (await all(kit, s)).find((v) => v.name === name);
      if (!found) throw notFound(`Variable ${name} does not exist.`);
      if (text) return sendText(reply, 200, found.value);
      return sendJson(reply, 200, T.variable, form, variable(s, found));
    },
  });
}
