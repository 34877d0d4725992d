import assert from "node:assert/strict";
import { rmSync } from "node:fs";
import { after, before, describe, test } from "node:test";
import { SYSTEM_PRINCIPAL } from "../../../src/core/types.js";
import { type MaxscaleServer, createService, createSession, startMaxscale } from "./fixture.js";
import { eventually } from "../../helpers/eventually.js";

const records = (t: MaxscaleServer, session: number) =>
  t.logs.flatMap((line) => {
    try {
      const r = JSON.parse(line) as { family?: string; session?: number; level: number; msg: string; sessionLevel?: string };
      return r.family === "maxscale" && r.session === session ? [r] : [];
    } catch {
      return [];
    }
  });

/** Contract §8 (SHOULD): a session's log flags make the server log about it even above the global level. */
describe("maxscale: per-session log levels", () => {
  let t: MaxscaleServer;

  before(async () => {
    t = await startMaxscale({ keepData: true, env: { SESSIONHUB_LOG_LEVEL: "error" } });
    await createService(t, "rw");
  });

  after(async () => {
    await t.stop();
    rmSync(t.dataDir, { recursive: true, force: true });
  });

  test("log_info: requests on the session and its events are logged at info although the global level is error", async () => {
    const flagged = await createSession(t, { serviceId: "rw" });
    const quiet = await createSession(t, { serviceId: "rw" });
    assert.equal((await t.call("PATCH", `/v1/sessions/${flagged.number}`, { body: { data: { attributes: { parameters: { log_info: true } } } } })).status, 204);
    await t.call("GET", `/v1/sessions/${flagged.number}`);
    await t.call("GET", `/v1/sessions/${quiet.number}`);
    await t.server.hub.sessions.writeLog(flagged, [{ type: "normal", text: "hello" }]);
    const mine = records(t, flagged.number);
    assert.ok(mine.some((r) => r.level === 30 && r.msg === `session ${flagged.number}: GET /v1/sessions/${flagged.number}`), JSON.stringify(mine));
    assert.ok(mine.some((r) => r.level === 30 && r.msg === `session ${flagged.number}: log.appended`), JSON.stringify(mine));
    assert.deepEqual(records(t, quiet.number), []);
  });

  test("log_warning only: the reaper's kill is a warning; info records are not written", async () => {
    const s = await createSession(t, { serviceId: "rw" });
    assert.equal((await t.call("PATCH", `/v1/sessions/${s.number}`, { body: { data: { attributes: { parameters: { log_warning: true } } } } })).status, 204);
    await t.call("GET", `/v1/sessions/${s.number}`);
    assert.equal((await t.call("DELETE", `/v1/sessions/${s.number}?ttl=1`)).status, 204);
    t.clock.advance(1100);
    await eventually(async () => records(t, s.number).some((r) => r.msg.endsWith("session.ended")));
    const mine = records(t, s.number);
    assert.ok(mine.some((r) => r.level === 40 && r.msg === `session ${s.number}: session.ended`), JSON.stringify(mine));
    assert.ok(mine.every((r) => r.level === 40), "nothing below warning");
  });

  test("flags set before a node starts are read at its start", async () => {
    const s = await createSession(t, { serviceId: "rw", attributes: { maxscale: { parameters: { log_error: true } } } });
    // One process serves a data directory at a time: the next node starts after this one stops.
    await t.stop();
    t = await startMaxscale({ dataDir: t.dataDir, users: false, env: { SESSIONHUB_LOG_LEVEL: "fatal" } });
    await t.server.hub.sessions.end(SYSTEM_PRINCIPAL, s.id, "failed");
    assert.ok(records(t, s.number).some((r) => r.level === 50 && r.msg.endsWith("session.ended")));
  });
});
