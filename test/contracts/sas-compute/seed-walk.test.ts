import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { until } from "../../helpers/wait.js";
import { lines, useSas } from "./fixture.js";

/**
 * The seed's response sample (seed 002, "Response Samples" of getSession), kept in the
 * repository so a checkout needs nothing beside it.
 */
function seedSession(): any {
  return JSON.parse(readFileSync(new URL("./seeds/002-session.json", import.meta.url), "utf8"));
}

const typeOf = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);

/** Checklist items 5 and 6, and a client's walk by links alone. */
describe("sas-compute: the seed's session, every link, a walk by links", () => {
  const sas = useSas({ sasLimits: { cancelGraceMs: 500 } });

  test("5. the seed: every key in order with the seed's types and values, its 13 links then 4 more", async () => {
    const seed = seedSession();
    const body = { name: "MySession", description: "This is my test session.", version: 1, environment: { options: ["memsize=4g", "fullstimer"] }, attributes: { sessionInactiveTimeout: 60 } };
    const { href } = await sas.create(body);
    const got = (await sas.alice("GET", href)).body;
    assert.deepEqual(Object.keys(got), Object.keys(seed));
    for (const key of Object.keys(seed)) assert.equal(typeOf(got[key]), typeOf(seed[key]), key);
    for (const key of ["name", "description", "attributes", "environment", "serviceAPIVersion", "version", "state", "sessionConditionCode"]) {
      assert.deepEqual(got[key], seed[key], key);
    }
    assert.deepEqual(Object.keys(got.logStatistics), Object.keys(seed.logStatistics));
    const id = got.id;
    assert.equal(got.links.length, 17);
    seed.links.forEach((l: any, i: number) => {
      const expected = { ...l, href: l.href.replace(seed.id, id), uri: l.uri.replace(seed.id, id) };
      assert.deepEqual(got.links[i], expected, l.rel);
    });
    assert.deepEqual(got.links.slice(13).map((l: any) => l.rel), ["assign", "variables", "logAsText", "listingAsText"]);
    for (const l of got.links) assert.equal(l.uri, l.href);
    await sas.alice("DELETE", href);
  });

  test("6. every link of a session, job, fileref, result, library, variable and page answers 2xx", async () => {
    const { href } = await sas.create({});
    const { href: jobHref } = await sas.run(href, ["print hello", "html r '<p>x</p>'", "%let v = 1", "write f 'data'"]);
    const accept = (type: string | undefined) => (!type ? {} : type.startsWith("text/") || type === "application/octet-stream" ? { accept: type } : { accept: `${type}+json` });
    const seen = new Set<string>();
    const deletes: any[] = [];
    const follow = async (l: any) => {
      const key = `${l.method} ${l.href} ${l.type ?? ""}`;
      if (seen.has(key)) return;
      seen.add(key);
      if (l.method === "DELETE") return void deletes.push(l);
      let opts: any = { headers: accept(l.type) };
      if (l.rel === "cancel" && l.href.includes("/jobs/")) {
        // A job's cancel link works while the job is active: follow it on a running one.
        const running = await sas.submit(href, "sleep 30000");
        await sas.waitState(running.headers.get("location")!, (st) => st === "running");
        l = running.body.links.find((x: any) => x.rel === "cancel");
      }
      if (l.method === "PUT") {
        const current = await sas.alice("GET", l.href.split("?")[0]);
        opts = { headers: { ...opts.headers, "if-match": current.headers.get("etag")! }, raw: Buffer.from("x") };
      }
      if (l.method === "POST") {
        opts = l.rel === "execute" ? { body: { code: ["print again"] } } : l.rel === "append" ? { raw: Buffer.from("y") } : { body: { name: "walk", path: "/walk.txt" } };
      }
      const r = await sas.alice(l.method, l.href, opts);
      assert.ok(r.status >= 200 && r.status < 300, `${key} → ${r.status} ${r.text.slice(0, 200)}`);
      if (l.method === "GET" && r.body && typeof r.body === "object") {
        for (const next of r.body.links ?? []) await follow(next);
        for (const item of r.body.items ?? []) for (const next of item.links ?? []) if (next.rel === "self" || next.rel === "tables") await follow(next);
      }
    };
    await follow({ method: "GET", rel: "self", href: jobHref, type: "application/vnd.sas.compute.job" });
    await follow({ method: "GET", rel: "self", href, type: "application/vnd.sas.compute.session" });
    await follow({ method: "GET", rel: "self", href: `${href}/log?start=0&limit=2`, type: "application/vnd.sas.collection" });
    assert.ok(seen.size > 40, `followed ${seen.size} links`);
    const sessionDelete = deletes.filter((l) => l.href === href);
    for (const l of deletes.filter((x) => x.href !== href)) {
      const r = await sas.alice("DELETE", l.href);
      assert.ok([204, 404].includes(r.status), `${l.href} → ${r.status}`);
    }
    assert.equal((await sas.alice("DELETE", sessionDelete[0].href)).status, 204);
  });

  test("a client walks by links only: root → contexts → createSession → execute → poll → log, listing → cancel → delete → 404", async () => {
    const rel = (body: any, name: string) => body.links.find((l: any) => l.rel === name);
    const root = (await sas.alice("GET", "/compute/")).body;
    const contexts = (await sas.alice("GET", `${rel(root, "contexts").href}?filter=${encodeURIComponent("eq(name,'Script language context')")}`)).body;
    const create = rel(contexts.items[0], "createSession");
    const created = await sas.alice(create.method, create.href, { body: { name: "walker" } });
    assert.equal(created.status, 201);
    const session = created.body;
    const execute = rel(session, "execute");
    const job = await sas.alice(execute.method, execute.href, { body: { code: ["print walked"] } });
    let tag = job.headers.get("etag")!;
    let state = "pending";
    while (state === "pending" || state === "running") {
      const polled = await sas.alice("GET", rel(job.body, "state").href + "?wait=5", { headers: { "if-none-match": tag } });
      if (polled.status === 200) {
        state = polled.text;
        tag = polled.headers.get("etag")!;
      }
    }
    assert.equal(state, "completed");
    assert.ok(lines((await sas.alice("GET", rel(job.body, "log").href)).body).includes("walked"));
    assert.deepEqual(lines((await sas.alice("GET", rel(job.body, "listing").href)).body), ["walked"]);
    const long = await sas.alice(execute.method, execute.href, { body: { code: ["sleep 30000"] } });
    await until("the long job to run", async () => (await sas.alice("GET", rel(long.body, "state").href)).text === "running");
    const cancel = rel(long.body, "cancel");
    const canceled = await sas.alice(cancel.method, cancel.href, { headers: { "if-match": long.headers.get("etag")! } });
    assert.equal(canceled.text, "canceled");
    const del = rel(session, "delete");
    assert.equal((await sas.alice(del.method, del.href)).status, 204);
    assert.equal((await sas.alice("GET", rel(session, "self").href)).status, 404);
  });
});
