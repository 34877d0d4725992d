import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type TestServer, startServer } from "../helpers/server.js";
import { type Cast, SERVICE_KIND, type Session, VARIANTS, castOf, declaredFacts, makeSession } from "./authorization/fixtures.js";
import { WHO, expected, outcome } from "./authorization/policy.js";
import { MATRIX, SERVED_BY } from "./authorization/routes.js";

/**
 * The authorization matrix (issue "Trust"): owner, member, invited, stranger, administrator
 * and an anonymous caller × every session route of every API × sessions made through each
 * API, wherever the service's kind lets that API serve them. Every expectation comes from
 * the one policy table (authorization/policy.ts); a failure names its cell.
 */
describe("proof: authorization matrix", () => {
  let t: TestServer;
  let cast: Cast;
  const shared = new Map<string, Session>();

  before(async () => {
    t = await startServer({ env: { SESSIONHUB_SAS_SESSIONS_PER_USER: "10000", SESSIONHUB_SAS_SESSIONS_TOTAL: "10000", SESSIONHUB_SAS_CREATE_WAIT_SECONDS: "1" } });
    cast = await castOf(t);
    for (const v of VARIANTS) shared.set(v, await makeSession(cast, v));
  });
  after(() => t?.stop());

  for (const variant of VARIANTS) {
    const facts = declaredFacts(variant);
    for (const route of MATRIX.filter((r) => SERVED_BY[SERVICE_KIND[variant]].includes(r.api))) {
      for (const who of WHO) {
        const action = typeof route.action === "function" ? route.action(who) : route.action;
        const want = expected(route, !!route.list, outcome(route.api, action, facts, who, who));
        test(`${route.api} ${route.name} of a ${variant} session as ${who} → ${want.join(" or ")}`, async () => {
          const session = route.writes ? await makeSession(cast, variant) : shared.get(variant)!;
          const seen = await route.call(cast, session, who);
          assert.ok(want.includes(seen), `${route.api} ${route.name} as ${who} on ${variant} (${action}): got ${seen}, the policy says ${want.join(" or ")}`);
        });
      }
    }
  }
});
