import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { type PostgresCluster, startPostgres } from "../../helpers/postgres.js";
import type { Answer } from "../../helpers/server.js";
import { type Sas, startSas } from "./fixture.js";

const ERROR_TYPE = "application/vnd.sas.error+json;charset=utf-8;version=2";

function assertFilterError(r: Answer, what: string): void {
  assert.equal(r.status, 400, `${what}: ${r.text.slice(0, 200)}`);
  assert.equal(r.headers.get("content-type"), ERROR_TYPE, what);
  assert.equal(r.body.version, 2, what);
  assert.equal(r.body.httpStatusCode, 400, what);
  assert.equal(r.body.errorCode, 1104, what);
  assert.match(r.body.details[0], /^Invalid filter: /, what);
}

const list = (sas: Sas, collection: string, filter: string) => sas.alice("GET", `${collection}?filter=${encodeURIComponent(filter)}&limit=100`);

/** Filters too large for the limits, and exact (case-sensitive) text matching, on each store. */
for (const backend of ["SQLite", "PostgreSQL"] as const) {
  describe(`sas-compute: filter size and case on ${backend}`, () => {
    let cluster: PostgresCluster | undefined;
    const sas = {} as Sas;
    before(async () => {
      const env: Record<string, string> = {};
      if (backend === "PostgreSQL") {
        cluster = await startPostgres();
        env.SESSIONHUB_DATABASE_URL = await cluster.createDatabase();
      }
      Object.assign(sas, await startSas({ env }));
    });
    after(async () => {
      await sas.stop();
      await cluster?.stop();
    });

    test("deep nesting, long in() and or() lists, and too many conditions are 400 1104 on stored and in-memory collections", async () => {
      const { href } = await sas.create({ name: "Deep" });
      // As deep and as long as a URL of 8 KiB allows.
      const nested = (fn: string, depth: number) => `${`${fn}(eq(name,x),`.repeat(depth)}eq(name,x)${")".repeat(depth)}`;
      const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`).join(",");
      const cases: Record<string, string> = {
        "and() 300 deep": nested("and", 300),
        "not() 1200 deep": `${"not(".repeat(1200)}eq(name,x)${")".repeat(1200)}`,
        "in() with 600 values": `in(name,${values(600)})`,
        "or() with 300 conditions": `or(${Array.from({ length: 300 }, (_, i) => `eq(name,v${i})`).join(",")})`,
        "or() 9 deep": nested("or", 9),
      };
      for (const collection of ["/compute/sessions", "/compute/contexts", `${href}/jobs`]) {
        for (const [what, filter] of Object.entries(cases)) assertFilterError(await list(sas, collection, filter), `${collection}: ${what}`);
      }
      // At the limits: 8 levels of and/or/not, and in() with 256 values.
      const atDepth = `${"or(eq(name,nope),and(eq(name,Deep),".repeat(4)}eq(name,Deep)${"))".repeat(4)}`;
      const found = await list(sas, "/compute/sessions", atDepth);
      assert.equal(found.status, 200, found.text);
      assert.equal(found.body.count, 1);
      const many = await list(sas, "/compute/sessions", `in(name,${values(255)},Deep)`);
      assert.equal(many.status, 200, many.text);
      assert.equal(many.body.count, 1);
      await sas.alice("DELETE", href);
    });

    test("contains, startsWith and endsWith compare case-sensitively, as eq does", async () => {
      const upper = await sas.create({ name: "Report QUARTERLY" });
      const lower = await sas.create({ name: "report quarterly" });
      const names = async (collection: string, filter: string) => {
        const r = await list(sas, collection, filter);
        assert.equal(r.status, 200, `${filter}: ${r.text}`);
        return r.body.items.map((i: any) => i.name).sort();
      };
      assert.deepEqual(await names("/compute/sessions", "contains(name,'QUARTER')"), ["Report QUARTERLY"]);
      assert.deepEqual(await names("/compute/sessions", "contains(name,'quarter')"), ["report quarterly"]);
      assert.deepEqual(await names("/compute/sessions", "startsWith(name,'Report')"), ["Report QUARTERLY"]);
      assert.deepEqual(await names("/compute/sessions", "startsWith(name,'REPORT')"), []);
      assert.deepEqual(await names("/compute/sessions", "endsWith(name,'terly')"), ["report quarterly"]);
      assert.deepEqual(await names("/compute/sessions", "contains(name,'t q')"), ["report quarterly"]);
      // Pattern characters of either store are plain text.
      assert.deepEqual(await names("/compute/sessions", "contains(name,'%')"), []);
      assert.deepEqual(await names("/compute/sessions", "contains(name,'*')"), []);
      assert.deepEqual(await names("/compute/sessions", "startsWith(name,'Report_')"), []);
      // In-memory collections (contexts) agree with the stores.
      assert.deepEqual(await names("/compute/contexts", "contains(name,'javascript')"), []);
      assert.deepEqual(await names("/compute/contexts", "contains(name,'JavaScript')"), ["JavaScript compute context"]);
      for (const s of [upper, lower]) await sas.alice("DELETE", s.href);
    });

    test("the session list and the session limits span every context, past the limit of values a filter may list", async () => {
      const ops = sas.as(sas.tokens.ops);
      for (let i = 0; i < 300; i += 1) {
        const made = await ops("POST", "/api/v1/services", { body: { id: `many-${i}`, kind: "sas-compute", name: `Context ${i}`, settings: { executor: "script" } } });
        assert.equal(made.status, 201, made.text);
      }
      const { href } = await sas.create({ name: "In the 300th" }, "many-299");
      const r = await list(sas, "/compute/sessions", "eq(name,'In the 300th')");
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.body.items.map((i: any) => i.name), ["In the 300th"]);
      assert.equal((await sas.alice("DELETE", href)).status, 204);
    });
  });
}
