import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { lines, useSas } from "./fixture.js";

/** The SAS language of the built-in context: what a job's log shows for the subset it runs. */
describe("sas-compute: the SAS language", () => {
  const sas = useSas({ sasLimits: { jobSeconds: 3, cancelGraceMs: 1000, sessionsPerUser: 50 } });

  /** Runs code on a fresh built-in session; its output lines (source echo and final NOTE left out), state and code. */
  async function run(code: string, extra: Record<string, unknown> = {}) {
    const { href } = await sas.create({}, "sas-job-execution");
    const { href: job, job: body } = await sas.run(href, code, extra);
    const log = lines((await sas.alice("GET", `${job}/log?limit=1000`)).body);
    const output = log.filter((l) => !/^\d+ +/.test(l) && !l.startsWith("NOTE: The job ended"));
    const listing = lines((await sas.alice("GET", `${job}/listing?limit=1000`)).body);
    return { href, output, listing, state: body.state as string, code: body.jobConditionCode as number };
  }

  test("macro references: &&var&i rescans, a dot ends a name, unknown ones warn (code 4) and stay", async () => {
    const r = await run("%let v1=one; %let i=1; %let a=file;\n%put &&v&i [&a..txt] [&a.x] &nope;");
    assert.deepEqual(r.output, ["WARNING: Apparent symbolic reference NOPE not resolved.", "one [file.txt] [filex] &nope"]);
    assert.deepEqual([r.state, r.code], ["warning", 4]);
  });

  test("%put: &=name, _user_, _automatic_; quotes hide references only when single", async () => {
    const r = await run(`%let greeting = hi there ;\n%put &=greeting '&greeting' "&greeting";\n%put _user_;\n%put _automatic_;`, { variables: { _program: "/Public/x" } });
    assert.equal(r.output[0], `GREETING=hi there '&greeting' "hi there"`);
    assert.ok(r.output.includes("GLOBAL GREETING hi there"));
    assert.ok(r.output.includes("GLOBAL _PROGRAM /Public/x"));
    for (const name of ["SYSVLONG4 V.04.00M0P01012025", "SYSSCP LIN X64", "SYSSCPL Linux", "SYSENCODING utf-8", "SYSUSERID alice", "SYSCC 0", "SYSERR 0"]) {
      assert.ok(r.output.includes(`AUTOMATIC ${name}`), name);
    }
    assert.ok(r.output.some((l) => /^AUTOMATIC SYSJOBID \d+$/.test(l)));
  });

  test("macro functions: quoting, case, substrings, %eval, %sysevalf, %sysfunc with formats", async () => {
    const r = await run(
      [
        "%let semi = %str(a;b);",
        "%put [&semi] [%nrstr(&semi)] [%upcase(abc)] [%lowcase(ABC)] [%substr(abcdef,2,3)] [%scan(a b c,2)] [%index(abc,c)] [%length(abcd)];",
        "%put [%eval(1+2*3)] [%eval(10/3)] [%eval(2 > 1)] [%sysevalf(10/4)] [%sysfunc(sum(1,2),8.2)];",
        "%put [%symexist(semi)] [%symexist(nothing)] [%sysfunc(getoption(obs))];",
      ].join("\n"),
    );
    assert.deepEqual(r.output, ["[a;b] [&semi] [ABC] [abc] [bcd] [b] [3] [4]", "[7] [3] [1] [2.5] [    3.00]", "[1] [0] [9223372036854775807]"]);
  });

  test("%symdel and %global change the session's variables; read-only automatic ones refuse %LET", async () => {
    const r = await run("%let keep=1; %let drop=2; %symdel drop; %global fresh;\n%put [&keep] [%symexist(drop)] [%symexist(fresh)];\n%let sysjobid=5;");
    assert.deepEqual(r.output, ["[1] [0] [1]", "ERROR: Attempt to %LET automatic macro variable SYSJOBID which is read only."]);
    const names = (await sas.alice("GET", `${r.href}/variables?limit=100`)).body.items.map((v: any) => v.name);
    assert.ok(names.includes("KEEP") && names.includes("FRESH") && !names.includes("DROP"), names.join());
  });

  test("options: GETOPTION reads them back; SYSCC may be reset", async () => {
    const r = await run("options nosource ls=100 validvarname=any;\n%put %sysfunc(getoption(source)) %sysfunc(getoption(linesize)) %sysfunc(getoption(validvarname));\nfrobnicate;\n%let syscc=0;");
    assert.equal(r.output[0], "NOSOURCE 100 ANY");
    const quiet = await run("options nonotes; data _null_; put 'x'; run; options notes; data _null_; run;");
    assert.deepEqual(quiet.output.filter((l) => l.startsWith("NOTE")), ["NOTE: DATA statement used (Total process time):"]);
    assert.deepEqual([r.state, r.code], ["completed", 0]);
  });

  test("DATA _NULL_: LENGTH, padding in concatenation, IF/ELSE, DO loops, the sum statement, formats, _ALL_", async () => {
    const r = await run(
      [
        "data _null_;",
        "  length a $ 5;",
        "  a = 'ab'; b = a || 'c'; put b=;",
        "  do i = 1 to 3; total + i; end;",
        "  if total > 5 then put 'big ' total; else put 'small';",
        "  if total < 0 then put 'negative'; else if total = 6 then do; put 'six'; end; else put 'other';",
        "  n = 0; do while (n < 2); n = n + 1; end;",
        "  x = 3.14159; put x 8.2 '|' x best5. '|' a $3. '|';",
        "  put 3*'-';",
        "  put _all_;",
        "run;",
      ].join("\n"),
    );
    assert.deepEqual(r.output.slice(0, 6), ["b=ab   c", "big 6", "six", "    3.14|3.142|ab |", "---", "a=ab b=ab   c i=4 total=6 n=2 x=3.14159 _ERROR_=0 _N_=1"]);
    assert.equal(r.output[6], "NOTE: DATA statement used (Total process time):");
    assert.deepEqual([r.state, r.code], ["completed", 0]);
  });

  test("CALL SYMPUTX reaches open code after the step; RESOLVE and SYMGET read the macro table at run time", async () => {
    const r = await run("%let m = macro value;\ndata _null_; length s $ 40; call symputx('fromstep', 42); s = symget('m'); put s; x = resolve('&m!'); put x; run;\n%put &=fromstep;");
    assert.deepEqual(r.output.filter((l) => !l.startsWith("NOTE") && !l.startsWith(" ")), ["macro value", "macro value!", "FROMSTEP=42"]);
  });

  test("FILE: _webout, a quoted path appended with MOD, the listing (PRINT); SAS's NOTEs on records", async () => {
    const r = await run(
      [
        "data _null_; file _webout; put '{\"a\":1}'; run;",
        "data _null_; file '/work/out.txt'; put 'one'; run;",
        "data _null_; file '/work/out.txt' mod; put 'two'; file print; put 'listed'; run;",
        "filename o '/work/out.txt'; data _null_; fid = fopen('o'); put fid=; run;",
        "%put exists=%sysfunc(fexist(o)) %sysfunc(fileexist(/work/out.txt)) %sysfunc(fileexist(/work/none));",
      ].join("\n"),
    );
    assert.equal((await sas.alice("GET", `${r.href}/filerefs/_webout/content`, { headers: { accept: "text/plain" } })).text, '{"a":1}\n');
    assert.ok(r.output.includes("NOTE: 1 record was written to the file _WEBOUT."));
    assert.ok(r.output.includes("      The minimum record length was 7."));
    assert.deepEqual(r.listing, ["listed"]);
    assert.ok(r.output.includes("fid=1") && r.output.includes("exists=1 1 0"), r.output.join("\n"));
    const file = await sas.alice("POST", `${r.href}/filerefs`, { body: { name: "check", path: "/work/out.txt" } });
    assert.equal((await sas.alice("GET", `${file.headers.get("location")}/content`)).text, "one\ntwo\n");
  });

  test("compile errors: SAS's numbered messages, the step does not run, condition code 8", async () => {
    const cases: [string, string][] = [
      ["data _null_; do i = 1 to 2; put i; run;", "ERROR 117-185: There was 1 unclosed DO block."],
      ["data _null_; end; run;", "ERROR 161-185: No matching DO/SELECT statement."],
      ["data _null_; else put 'x'; run;", "ERROR 160-185: No matching IF-THEN clause."],
      ["data _null_; x = nosuchfn(1); run;", "ERROR 68-185: The function NOSUCHFN is unknown, or cannot be accessed."],
      ["data _null_; set sashelp.class; run;", "ERROR 180-322: Statement is not valid or it is used out of proper order."],
    ];
    for (const [code, error] of cases) {
      const r = await run(code);
      assert.equal(r.output[0], error, code);
      assert.equal(r.output[1], "NOTE: The SAS System stopped processing this step because of errors.", code);
      assert.deepEqual([r.state, r.code], ["error", 8], code);
    }
  });

  test("what this server does not run says so as SAS would: PROC, data sets, shell escapes, other devices, %MACRO", async () => {
    const r = await run("proc print data=sashelp.class; run;\ndata work.a; x=1; run;\nx 'ls';\nfilename web url 'http://example.com';\n%macro m; %put inside; %mend m;\n%put after;");
    assert.equal(r.output[0], "ERROR: Procedure PRINT not found.");
    assert.ok(r.output.includes("ERROR: Only DATA _NULL_ steps run in this session; the data set WORK.A cannot be created."));
    assert.ok(r.output.includes("ERROR: Shell escape is not valid in this SAS session."));
    assert.ok(r.output.includes("ERROR: The URL device type is not supported in this session."));
    assert.ok(r.output.includes("ERROR: The %MACRO statement is not valid in open code."));
    assert.equal(r.output.at(-1), "after");
    assert.ok(!r.output.includes("inside"), "a macro's body does not run as open code");
  });

  test("LIBNAME assigns a library inside the work area; PATHNAME reads librefs and filerefs", async () => {
    const r = await run("libname mylib '/work/lib';\nfilename f '/work/f.txt';\n%put [%sysfunc(pathname(mylib))] [%sysfunc(pathname(f))] [%sysfunc(pathname(work))];\nlibname mylib clear;");
    assert.deepEqual(r.output.slice(0, 3), ["NOTE: Libref MYLIB was successfully assigned as follows: ", "      Engine:        V9", "      Physical Name: /work/lib"]);
    assert.ok(r.output.includes("[/work/lib] [/work/f.txt] [/work]"));
    assert.ok(r.output.includes("NOTE: Libref MYLIB has been deassigned."));
  });

  test("a runaway step is stopped by the time limit; a cancel stops it too", async () => {
    const r = await run("data _null_; do while (1); x + 1; end; run;");
    assert.deepEqual([r.state, r.code], ["error", 1016]);
    assert.ok(r.output.includes("ERROR: The job exceeded its time limit of 3 seconds."));
    const { href } = await sas.create({}, "sas-job-execution");
    const posted = await sas.submit(href, "data _null_; do while (1); end; run;");
    const job = posted.headers.get("location")!;
    await sas.waitState(job, (s) => s === "running");
    const canceled = await sas.alice("PUT", `${job}/state?value=canceled`, { headers: { "if-match": posted.headers.get("etag")! } });
    assert.equal(canceled.text, "canceled");
  });
});
