import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lines, useSas } from "./fixture.js";

/** Checklist items 35–39: filerefs in the session's work area, and libraries. */
describe("sas-compute: filerefs and data", () => {
  const sas = useSas({ sasLimits: { workAreaBytes: 1024 * 1024 } });

  test("35. assign: 201 with Location, upper-cased id, path, size 0, ETag; GET by lower case; assign link too", async () => {
    const { href } = await sas.create({});
    assert.equal((await sas.alice("GET", `${href}/filerefs`)).body.count, 0);
    for (const rel of ["assignFileref", "assign"]) {
      const session = (await sas.alice("GET", href)).body;
      const link = session.links.find((l: any) => l.rel === rel);
      const r = await sas.alice(link.method, link.href, { body: { name: "_sp_updn", path: "/upload/up.csv" } });
      assert.equal(r.status, 201, rel);
      assert.ok(r.headers.get("location")!.endsWith("/filerefs/_SP_UPDN"));
      assert.equal(r.body.id, "_SP_UPDN");
      assert.equal(r.body.filePath, "/upload/up.csv");
      assert.equal(r.body.fileName, "up.csv");
      assert.equal(r.body.fileSize, 0);
      assert.deepEqual(r.body.links.map((l: any) => l.rel), ["self", "deassign", "content", "upload", "append", "delete"]);
      const got = await sas.alice("GET", `${href}/filerefs/_sp_updn`);
      assert.equal(got.headers.get("etag"), r.headers.get("etag"));
    }
    assert.equal((await sas.alice("GET", `${href}/filerefs`)).body.count, 1);
    await sas.alice("DELETE", href);
  });

  test("36. upload: 428, 412, chunked 201 with a new ETag, content back; the cap holds for uploads and jobs", async () => {
    const { href } = await sas.create({});
    const made = await sas.alice("POST", `${href}/filerefs`, { body: { name: "up", path: "up.csv" } });
    const content = `${href}/filerefs/UP/content`;
    assert.equal((await sas.alice("PUT", content, { raw: Buffer.from("x") })).status, 428);
    const stale = await sas.alice("PUT", content, { raw: Buffer.from("x"), headers: { "if-match": '"nope"' } });
    assert.equal(stale.status, 412);
    assert.equal(stale.body.errorCode, 9412);
    const chunked = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("a,b\n"));
        c.enqueue(new TextEncoder().encode("1,2\n"));
        c.close();
      },
    });
    const put = await fetch(sas.t.url + content, {
      method: "PUT",
      body: chunked,
      duplex: "half",
      headers: { authorization: `Bearer ${sas.tokens.alice}`, "if-match": made.headers.get("etag")! },
    } as RequestInit);
    assert.equal(put.status, 201);
    const tag = put.headers.get("etag")!;
    assert.notEqual(tag, made.headers.get("etag"));
    const back = await sas.alice("GET", content);
    assert.equal(back.text, "a,b\n1,2\n");
    assert.equal(back.headers.get("etag"), tag);
    const big = await sas.alice("PUT", content, { raw: Buffer.alloc(2 * 1024 * 1024, 1), headers: { "if-match": tag } });
    assert.equal(big.status, 413);
    assert.equal(big.body.errorCode, 9413);
    assert.equal((await sas.alice("GET", content)).text, "a,b\n1,2\n");
    const appended = await sas.alice("POST", content, { raw: Buffer.from("3,4\n") });
    assert.equal(appended.status, 200);
    assert.notEqual(appended.headers.get("etag"), tag);
    assert.equal((await sas.alice("GET", content)).text, "a,b\n1,2\n3,4\n");
    // Two uploads with the same current ETag: the first wins, the second is stale (no lost update).
    const racing = await Promise.all(["p\n", "q\n"].map((text) => sas.alice("PUT", content, { raw: Buffer.from(text), headers: { "if-match": appended.headers.get("etag")! } })));
    assert.deepEqual(racing.map((r) => r.status).sort(), [201, 412]);
    const winner = racing[0]!.status === 201 ? racing[0]! : racing[1]!;
    const after = await sas.alice("GET", content);
    assert.equal(after.text, winner === racing[0] ? "p\n" : "q\n");
    assert.equal(after.headers.get("etag"), winner.headers.get("etag"));
    const chunk = Array.from({ length: 20 }, () => `write big '${"x".repeat(30000)}'`);
    assert.equal((await sas.run(href, chunk)).job.jobConditionCode, 0);
    const { href: job, job: body } = await sas.run(href, chunk);
    assert.equal(body.jobConditionCode, 8);
    assert.ok(lines((await sas.alice("GET", `${job}/log`)).body).includes("ERROR: The work area limit of 1048576 bytes would be exceeded."));
    assert.equal((await sas.alice("DELETE", content)).status, 204);
    assert.equal((await sas.alice("GET", content)).status, 404);
    await sas.alice("DELETE", href);
  });

  test("37. paths stay in the work area: escapes → 400 5106; /etc/passwd is an area path, no host file is read", async () => {
    const { href } = await sas.create({});
    for (const path of ["../../etc/passwd", "a/../../x", "", "a\u0000b"]) {
      const r = await sas.alice("POST", `${href}/filerefs`, { body: { name: "p", path } });
      assert.equal(r.status, 400, JSON.stringify(path));
      assert.equal(r.body.errorCode, 5106);
    }
    const bad = await sas.alice("POST", `${href}/filerefs`, { body: { name: "p", path: "/x", accessMethod: "FTP" } });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.errorCode, 5106);
    assert.equal(bad.body.details[0], "Unsupported access method: FTP");
    const host = await sas.alice("POST", `${href}/filerefs`, { body: { name: "p", path: "/etc/passwd" } });
    assert.equal(host.status, 201);
    assert.equal(host.body.filePath, "/etc/passwd");
    const read = await sas.alice("GET", `${href}/filerefs/P/content`);
    assert.equal(read.status, 404);
    assert.equal(read.body.errorCode, 9404);
    assert.equal(read.body.details[0], "The file of fileref P does not exist.");
    const noBody = await sas.alice("POST", `${href}/filerefs`);
    assert.equal(noBody.status, 400);
    assert.equal(noBody.body.errorCode, 5009);
    const everything = JSON.stringify([host.body, (await sas.alice("GET", href)).body, (await sas.alice("GET", "/compute/contexts")).body]);
    assert.equal(everything.includes(sas.t.dataDir), false);
    await sas.alice("DELETE", href);
  });

  test("38. _webout from a job; filename assigns DISK; clear deassigns; TEMP files go with their fileref", async () => {
    const { href } = await sas.create({});
    await sas.run(href, `write _webout '{"ok":1}'`);
    const webout = await sas.alice("GET", `${href}/filerefs/_webout/content`, { headers: { accept: "text/plain" } });
    assert.equal(webout.status, 200);
    assert.equal(webout.headers.get("content-type"), "text/plain;charset=utf-8");
    assert.equal(webout.text, '{"ok":1}\n');
    const { href: other } = await sas.create({});
    assert.equal((await sas.alice("GET", `${other}/filerefs/_webout/content`)).status, 404);
    await sas.alice("DELETE", other);
    await sas.run(href, "filename in 'data/in.txt'");
    const inRef = (await sas.alice("GET", `${href}/filerefs/in`)).body;
    assert.deepEqual([inRef.id, inRef.accessMethod, inRef.filePath], ["IN", "DISK", "/data/in.txt"]);
    await sas.run(href, ["write in 'kept'", "filename in clear"]);
    assert.equal((await sas.alice("GET", `${href}/filerefs/IN`)).status, 404);
    await sas.run(href, "filename in 'data/in.txt'");
    assert.equal((await sas.alice("GET", `${href}/filerefs/IN/content`)).text, "kept\n", "a DISK file outlives its fileref");
    assert.equal((await sas.alice("DELETE", `${href}/filerefs/_WEBOUT`)).status, 204);
    await sas.run(href, "filename _webout '/.temp/_WEBOUT'");
    assert.equal((await sas.alice("GET", `${href}/filerefs/_WEBOUT/content`)).status, 404, "the TEMP file went with its fileref");
    assert.equal((await sas.alice("DELETE", `${href}/filerefs/NOPE`)).status, 404);
    await sas.alice("DELETE", href);
  });

  test("39. libraries: only WORK; USER 404; HEAD in any case; tables collection empty; columns 404; POST 405", async () => {
    const { href } = await sas.create({});
    const libs = (await sas.alice("GET", `${href}/data`)).body;
    assert.deepEqual(libs.items.map((l: any) => l.id), ["WORK"]);
    assert.equal((await sas.alice("HEAD", `${href}/data/USER`)).status, 404);
    assert.equal((await sas.alice("HEAD", `${href}/data/WORK`)).status, 200);
    assert.equal((await sas.alice("HEAD", `${href}/data/work`)).status, 200);
    const work = (await sas.alice("GET", `${href}/data/WORK`)).body;
    assert.equal(work.engineName, "SESSIONHUB");
    const tables = await sas.alice("GET", `${href}/data/WORK`, { headers: { accept: "application/vnd.sas.collection+json" } });
    assert.equal(tables.body.count, 0);
    assert.equal(tables.body.accept, "application/vnd.sas.compute.data.table.summary");
    assert.equal((await sas.alice("GET", `${href}/data/WORK/CLASS/columns?start=0&limit=9999999`)).status, 404);
    const post = await sas.alice("POST", `${href}/data`, { body: {} });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get("allow"), "GET, HEAD");
    assert.equal(post.body.errorCode, 9405);
    await sas.alice("DELETE", href);
  });
});
