import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { ADMIN_TOKEN, http } from "../../helpers/server.js";
import { useSas } from "./fixture.js";
import { SasPy } from "./saspy-client.js";

const CONTEXT = "SAS Job Execution compute context";

/** saspy's methods against the built-in (SAS language) context, replayed as saspy sends them. */
describe("sas-compute: saspy on the SAS language", () => {
  const sas = useSas();
  let py: SasPy;

  before(async () => {
    assert.equal((await http(sas.t.url, "PATCH", "/api/v1/users/alice", { token: ADMIN_TOKEN, body: { password: "alice-pw-1" } })).status, 200);
    py = await SasPy.start(sas.t.url, { user: "alice", pw: "alice-pw-1", context: CONTEXT });
  });

  test("SASsession(): password login through SAS Logon; work path, job id, version, encoding and host from the log", async () => {
    assert.ok(py.wire[0]!.startsWith("POST /SASLogon/oauth/token 200"));
    const session = (await sas.alice("GET", `/compute/sessions/${py.sessionId}`)).body;
    const number = (await sas.alice("GET", `/compute/sessions/${py.sessionId}/variables/SYSJOBID`)).body.value;
    assert.equal(session.owner, "alice");
    assert.equal(py.SASpid, number);
    assert.match(py.SASpid, /^\d+$/);
    assert.equal(py.workpath, "/work/");
    assert.equal(py.sasver, "V.04.00M0P01012025");
    assert.equal(py.sascei, "utf-8");
    assert.equal(py.hostsep, "/");
    assert.equal(py.checkErrorLog, false, py.log);
  });

  test("the same with an authtoken (an API token), as saspy's authtoken= option sends it", async () => {
    const other = await SasPy.start(sas.t.url, { authtoken: sas.tokens.alice, context: CONTEXT });
    assert.equal(other.workpath, "/work/");
    assert.equal(await other.endsas(), 204);
  });

  test("submit and submitLOG: the log has the source, the PUT output and SAS's NOTEs; no ERROR", async () => {
    const r = await py.submit("data _null_; put 'hello from saspy'; run;", "text");
    const lines = r.LOG.split("\n");
    assert.ok(lines.some((l) => /^\d+\s+data _null_; put 'hello from saspy'; run;$/.test(l)), r.LOG);
    assert.ok(lines.includes("hello from saspy"));
    assert.ok(lines.includes("NOTE: DATA statement used (Total process time):"));
    assert.equal(r.LST, "");
    const log = await py.submitLOG("%put &=sysuserid; %put Today is &sysday.;");
    assert.ok(log.split("\n").includes("SYSUSERID=alice"), log);
    assert.match(log, /\nToday is \w+day\n/);
    assert.doesNotMatch(log, /\nERROR/);
  });

  test("an unsupported statement: SAS's ERROR 180-322, the job ends in error with code 8, and saspy notices", async () => {
    const r = await py.submit("frobnicate this;\n%put after=ok;", "text");
    assert.ok(r.LOG.includes("\nERROR 180-322: Statement is not valid or it is used out of proper order.\n"), r.LOG);
    assert.ok(r.LOG.includes("\nafter=ok\n"));
    assert.equal(py.checkErrorLog, true);
    const jobs = (await sas.alice("GET", `/compute/sessions/${py.sessionId}/jobs?limit=1000`)).body.items;
    const last = jobs.at(-1);
    assert.deepEqual([last.state, last.jobConditionCode], ["error", 8]);
    const syscc = (await py.submit("%put cc=&syscc;", "text")).LOG;
    assert.ok(syscc.includes("\ncc=0\n"), "SYSCC is the job's own code");
    py.checkErrorLog = false;
  });

  test("symput and symget: numbers, text with quotes and blanks; unknown → None", async () => {
    await py.symput("answer", 42);
    assert.equal(await py.symget("answer"), 42);
    await py.symput("ratio", 0.25);
    assert.equal(await py.symget("ratio"), 0.25);
    await py.symput("words", "it's a 'test', ok");
    assert.equal(await py.symget("words"), "it's a 'test', ok");
    assert.equal(await py.symexist("nothing_here"), false);
    assert.equal(await py.symget("nothing_here"), null);
    const v = await sas.alice("GET", `/compute/sessions/${py.sessionId}/variables/answer`);
    assert.equal(v.body.value, "42");
  });

  test("exist: no table in WORK", async () => {
    assert.equal(await py.exist("class"), false);
  });

  test("file_info: None for a missing file, {} for a directory, the file's attributes for a file", async () => {
    assert.equal(await py.fileInfo("/work/missing.csv"), null);
    assert.deepEqual(await py.fileInfo(py.workpath), {});
  });

  test("upload (Success: True) to a path and into the work directory, then download: the same bytes", async () => {
    const data = Buffer.from("name,age\nAlfred,14\nAlice,13\n");
    const up = await py.upload("class.csv", data, `${py.workpath}class.csv`);
    assert.equal(up.Success, true, up.LOG);
    const info = await py.fileInfo(`${py.workpath}class.csv`);
    assert.equal(info?.["File Size (bytes)"], String(data.length));
    assert.equal(info?.Filename, "/work/class.csv");
    const intoDir = await py.upload("second.csv", data, py.workpath);
    assert.equal(intoDir.Success, true, intoDir.LOG);
    assert.ok(await py.fileInfo(`${py.workpath}second.csv`));
    const again = await py.upload("class.csv", Buffer.from("changed\n"), `${py.workpath}class.csv`);
    assert.equal(again.Success, true, "overwriting changes the file's attributes");
    const down = await py.download(`${py.workpath}second.csv`);
    assert.equal(down.Success, true, down.LOG);
    assert.deepEqual(down.bytes, data);
    const missing = await py.download(`${py.workpath}none.csv`);
    assert.deepEqual(missing, { Success: false, LOG: "File /work/none.csv does not exist." });
    const refs = (await sas.alice("GET", `/compute/sessions/${py.sessionId}/filerefs`)).body.items.map((f: any) => f.name);
    assert.ok(!refs.includes("_SP_UPDN") && !refs.includes("_SPFINFO"), `filerefs cleared: ${refs}`);
  });

  test("every saspy request was answered 2xx (HEAD …/data/USER excepted: 404 sends it to WORK)", () => {
    const failed = py.wire.filter((w) => !/ 2\d\d$/.test(w) && !/^HEAD \/compute\/sessions\/[^/]+\/data\/USER 404$/.test(w));
    assert.deepEqual(failed, []);
  });

  test("endsas: DELETE → 204", async () => {
    assert.equal(await py.endsas(), 204);
  });
});
