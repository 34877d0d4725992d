import { type Answer, http } from "../../helpers/server.js";

/**
 * saspy's HTTP access method (saspy 5.x, saspy/sasiohttp.py and saspy/sasbase.py),
 * replayed request for request: the same paths, headers, bodies and polling, and the
 * same parsing of the log text it gets back (Python's partition/rpartition). saspy is a
 * Python package and cannot be installed here, so this is what its methods do on the wire.
 */

/** Python's str.partition and str.rpartition. */
export const partition = (s: string, sep: string): [string, string, string] => {
  const i = s.indexOf(sep);
  return i < 0 ? [s, "", ""] : [s.slice(0, i), sep, s.slice(i + sep.length)];
};
export const rpartition = (s: string, sep: string): [string, string, string] => {
  const i = s.lastIndexOf(sep);
  return i < 0 ? ["", "", s] : [s.slice(0, i), sep, s.slice(i + sep.length)];
};

const basic = (client: string) => `Basic ${Buffer.from(`${client}:`).toString("base64")}`;
type Link = { method: string; rel: string; uri: string; href: string };
const link = (links: Link[], method: string, rel: string) => links.find((l) => l.method === method && l.rel === rel)!.uri;

export interface Submitted {
  LOG: string;
  LST: string;
}

export class SasPy {
  token = "";
  refresh: string | null = null;
  private session: any;
  private uris: Record<string, string> = {};
  /** Every request made, `METHOD path status`. */
  readonly wire: string[] = [];
  workpath = "";
  sasver = "";
  sascei = "";
  SASpid = "";
  hostsep = "";
  log = "";
  checkErrorLog = false;

  private constructor(private readonly base: string) {}

  private async call(method: string, path: string, headers: Record<string, string>, raw?: string | Buffer): Promise<Answer> {
    const a = await http(this.base, method, path, { token: null, headers, ...(raw !== undefined ? { raw } : {}) });
    this.wire.push(`${method} ${path} ${a.status}`);
    return a;
  }

  private bearer(extra: Record<string, string> = {}) {
    return { ...extra, Authorization: `Bearer ${this.token}` };
  }

  /** `saspy.SASsession(cfgname='httpviya', url=…, user=…, pw=…, context=…)` or with `authtoken=`. */
  static async start(base: string, opts: { user?: string; pw?: string; authtoken?: string; context: string }): Promise<SasPy> {
    const sas = new SasPy(base);
    if (opts.authtoken) sas.token = opts.authtoken;
    else {
      const d1 = `grant_type=password&username=${encodeURIComponent(opts.user!)}&password=${encodeURIComponent(opts.pw!)}`;
      const r = await sas.call("POST", "/SASLogon/oauth/token", {
        Accept: "application/vnd.sas.compute.session+json",
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: basic("sas.tkmtrb"),
      }, d1);
      if (r.status > 299) throw new Error(`Failure in GET AuthToken. Status=${r.status}\nResponse=${r.text}`);
      sas.token = r.body.access_token;
      sas.refresh = r.body.refresh_token ?? null;
    }
    const contexts = await sas.call("GET", "/compute/contexts?limit=999999", sas.bearer({ Accept: "application/vnd.sas.collection+json", "Accept-Item": "application/vnd.sas.compute.context.summary+json" }));
    if (contexts.status > 299) throw new Error(`Failure in GET Contexts. Status=${contexts.status}`);
    const ctx = contexts.body.items.find((c: any) => c.name === opts.context);
    if (!ctx) throw new Error(`SAS Context specified in the SASconfig (${opts.context}) was not found on this server`);
    await sas.startsas(ctx, opts.context);
    await sas.gatherInfo();
    return sas;
  }

  private async startsas(ctx: any, ctxname: string): Promise<void> {
    const uri = link(ctx.links, "POST", "createSession");
    const d1 = `{"name":"${ctxname}", "description":"saspy session", "version":1, "environment":{"options":[]},"attributes": {"sessionInactiveTimeout": 7200}}`;
    const r = await this.call("POST", uri, this.bearer({ Accept: "application/vnd.sas.compute.session+json", "Content-Type": "application/vnd.sas.compute.session.request+json" }), d1);
    if (r.status > 299) throw new Error(`Could not acquire a SAS Session for context: ${ctxname}. Status=${r.status}\nResponse=${r.text}`);
    this.session = r.body;
    const links = this.session.links as Link[];
    this.uris = {
      log: link(links, "GET", "log"),
      lst: link(links, "GET", "listing"),
      ods: link(links, "GET", "results"),
      state: link(links, "GET", "state"),
      exe: link(links, "POST", "execute"),
      can: link(links, "PUT", "cancel"),
      del: link(links, "DELETE", "delete"),
      files: link(links, "GET", "files"),
    };
    this.log = (await this.getlog()).replaceAll("\f", "\n");
    const job = await this.call("POST", this.uris.exe!, this.bearer({ Accept: "application/json", "Content-Type": "application/vnd.sas.compute.job.request+json" }), `{"code":[${JSON.stringify("\n")}]}`);
    if (job.status > 299) throw new Error("Compute server had issues starting");
    await this.submit("options svgtitle='svgtitle'; options validvarname=any validmemname=extend pagesize=max nosyntaxcheck; ods graphics on;", "text");
  }

  /** sasbase.SASsession.__init__: the session facts saspy parses from one job's log. */
  private async gatherInfo(): Promise<void> {
    const sysvars = `data _null_; length x $ 4096;
               x = resolve('%sysfunc(pathname(work))');  put 'WORKPATH=' x 'WORKPATHEND=';
               x = resolve('&SYSENCODING');              put 'ENCODING=' x 'ENCODINGEND=';
               x = resolve('&SYSVLONG4');                put 'SYSVLONG=' x 'SYSVLONGEND=';
               x = resolve('&SYSJOBID');                 put 'SYSJOBID=' x 'SYSJOBIDEND=';
               x = resolve('&SYSSCP');                     put 'SYSSCP=' x 'SYSSCPEND=';
            run;
        `;
    const res = (await this.submit(sysvars, "text")).LOG;
    this.hostsep = partition(rpartition(res, "SYSSCP=")[2], " SYSSCPEND=")[0];
    this.SASpid = partition(rpartition(res, "SYSJOBID=")[2], " SYSJOBIDEND=")[0];
    this.sasver = partition(rpartition(res, "SYSVLONG=")[2], " SYSVLONGEND=")[0];
    this.sascei = partition(rpartition(res, "ENCODING=")[2], " ENCODINGEND=")[0];
    this.workpath = rpartition(rpartition(res, "WORKPATH=")[2], "WORKPATHEND=")[0].trim().replaceAll("\n", "");
    this.hostsep = this.hostsep === "WIN" ? "\\" : "/";
    this.workpath += this.hostsep;
  }

  private async getlog(jobid?: any): Promise<string> {
    const uri = jobid ? link(jobid.links, "GET", "log") : this.uris.log!;
    let start = 0;
    const lines: string[] = [];
    for (;;) {
      const r = await this.call("GET", `${uri}?start=${start}&limit=${start + 1000}`, this.bearer({ Accept: "application/vnd.sas.collection+json" }));
      const items = r.body?.items ?? [];
      if (items.length === 0) break;
      start += items.length;
      lines.push(...items.map((i: any) => i.line));
    }
    const logr = lines.map((l) => `${l}\n`).join("");
    if (jobid) this.log += logr.replaceAll("\f", "\n");
    if (/\nERROR[ \d-]*:/.test(logr)) this.checkErrorLog = true;
    return logr;
  }

  private async getlsttxt(jobid: any): Promise<string> {
    const uri = link(jobid.links, "GET", "listing");
    let start = 0;
    let out = "";
    for (;;) {
      const r = await this.call("GET", `${uri}?start=${start}&limit=${start + 1000}`, this.bearer({ Accept: "application/vnd.sas.collection+json" }));
      const items = r.body?.items ?? [];
      if (items.length === 0) break;
      start += items.length;
      out += items.map((i: any) => `${i.line}\n`).join("");
    }
    return out.replaceAll("\f", "\n");
  }

  private async getlst(jobid: any): Promise<string> {
    const uri = `${link(jobid.links, "GET", "results")}?includeTypes=ODS`;
    const r = await this.call("GET", uri, this.bearer({ Accept: "application/vnd.sas.collection+json" }));
    let htm = "";
    for (const result of r.body?.items ?? []) {
      if (result.type === "ODS" && result.name.endsWith(".htm") && result.links.length > 0) {
        htm += (await this.call("GET", result.links[0].href, this.bearer({ Accept: "application/vnd.sas.collection+json" }))).text;
      }
    }
    return htm;
  }

  /** SASsessionHTTP.submit: POST the job, poll its state with the first ETag, then LOG and LST. */
  async submit(code: string, results = "html"): Promise<Submitted> {
    const odsopen = JSON.stringify("ods listing close;ods html5 (id=saspy_internal) options(bitmap_mode='inline') device=svg style=HTMLBlue; ods graphics on / outputfmt=png;\n");
    const odsclose = JSON.stringify("ods html5 (id=saspy_internal) close;ods listing;\n");
    const jcode = JSON.stringify(code);
    const ods = results.toUpperCase() === "HTML";
    const d1 = ods ? `{"code":[${odsopen},${jcode},${odsclose}]}` : `{"code":[${jcode}]}`;
    const posted = await this.call("POST", this.uris.exe!, this.bearer({ Accept: "application/json", "Content-Type": "application/vnd.sas.compute.job.request+json" }), d1);
    if (posted.status > 299) throw new Error(`Problem submitting job to Compute Service. Status code=${posted.body?.httpStatusCode}`);
    const jobid = posted.body;
    const uri = link(jobid.links, "GET", "state");
    const first = await this.call("GET", uri, this.bearer({ Accept: "text/plain" }));
    const etag = first.headers.get("etag")!;
    let done = !["running", "pending"].includes(first.text);
    while (!done) {
      const r = await this.call("GET", `${uri}?wait=30`, this.bearer({ Accept: "text/plain", "If-None-Match": etag }));
      if (!["running", "pending", ""].includes(r.text)) done = true;
    }
    const LOG = await this.getlog(jobid);
    let LST = ods ? await this.getlst(jobid) : await this.getlsttxt(jobid);
    const trip = rpartition(LST, "/*]]>*/");
    if (trip[1].length > 0 && trip[2].length < 200) LST = "";
    return { LOG, LST };
  }

  /** sasbase.submitLOG: the LOG of a submit with the default results, printed. */
  async submitLOG(code: string): Promise<string> {
    return (await this.submit(code)).LOG;
  }

  async symput(name: string, value: unknown, quoting: string | null = "NRBQUOTE"): Promise<void> {
    await this.submit(quoting ? `%let ${name}=%${quoting.toUpperCase()}(${String(value)});\n` : `%let ${name}=${String(value)};\n`, "text");
  }

  async symexist(name: string): Promise<boolean> {
    const ll = await this.submit(`%put ${name}BEGIN=%symexist(${name}) ${name}END=;\n`, "text");
    const l2 = rpartition(rpartition(ll.LOG, `${name}BEGIN=`)[2], `${name}END=`)[0].trim().replaceAll("\n", "");
    if (l2 === "") throw new Error("Failed to execute symexist. Your session may have prematurely terminated.");
    return Number.parseInt(l2, 10) !== 0;
  }

  /** symget as saspy: int, else float, else the string. */
  async symget(name: string): Promise<number | string | null> {
    if (!(await this.symexist(name))) return null;
    const ll = await this.submit(`%put ${name}BEGIN=&${name} ${name}END=;\n`, "text");
    const l2 = rpartition(rpartition(ll.LOG, `${name}BEGIN=`)[2], `${name}END=`)[0].trim().replaceAll("\n", "");
    if (/^[+-]?\d+$/.test(l2)) return Number.parseInt(l2, 10);
    if (l2 !== "" && !Number.isNaN(Number(l2))) return Number(l2);
    return l2;
  }

  async exist(table: string, libref = ""): Promise<boolean> {
    const sd = table.trim().replaceAll("'", "''");
    if (!libref) {
      const r = await this.call("HEAD", `/compute/sessions/${this.session.id}/data/USER`, this.bearer({ Accept: "*/*" }));
      libref = r.status === 200 ? "USER" : "WORK";
    }
    let code = `data _null_; e = exist("${libref}.'${sd}'n");\n`;
    code += `v = exist("${libref}.'${sd}'n", 'VIEW');\n if e or v then e = 1;\n`;
    code += "te='TABLE_EXISTS='; put te e;run;\n";
    const ll = await this.submit(code, "text");
    return Number.parseInt(partition(rpartition(ll.LOG, "TABLE_EXISTS= ")[2], "\n")[0], 10) !== 0;
  }

  /** sasbase.file_info with results='dict': null when the path does not exist, {} for a directory. */
  async fileInfo(filepath: string, fileref = "_spfinfo"): Promise<Record<string, string> | null> {
    let code = `filename ${fileref} '${filepath}';\n`;
    code += `%put FILEREF_EXISTS=%sysfunc(fexist(${fileref})) FILE_EXTEND=;`;
    let ll = await this.submit(code, "text");
    const exists = Number.parseInt(rpartition(rpartition(ll.LOG, "FILEREF_EXISTS=")[2], " FILE_EXTEND=")[0], 10) || 0;
    if (exists !== 1) {
      await this.submit(`filename ${fileref} clear;`, "text");
      return null;
    }
    code = `options nosource;
        data _null_;
           length infoname $256 infoval $4096;
        
           drop rc fid infonum i close;
           put 'INFOSTART=';
           fid=fopen('filerefx');
           if fid then
              do;
                 infonum=foptnum(fid);
                 do i=1 to infonum;
                    infoname=foptname(fid, i);
                    infoval=finfo(fid, infoname);
                    put %upcase('infoNAME=') infoname %upcase('infoNAMEEND=');
                    put %upcase('infoVAL=') infoval %upcase('infoVALEND=');
                 end;
              end;
           put 'INFOEND=';
           close=fclose(fid);
           rc = filename('filerefx');
        run; options source;
        `.replaceAll("filerefx", fileref);
    ll = await this.submit(code, "text");
    const vi = rpartition(rpartition(ll.LOG, "INFOEND=")[0], "\n")[2].length;
    const res: Record<string, string> = {};
    let log = rpartition(rpartition(ll.LOG, "INFOEND=")[0], "INFOSTART=");
    const count = log[2].split("INFONAME=").length - 1;
    for (let i = 0; i < count; i += 1) {
      log = partition(partition(log[2], "INFONAME=")[2], " INFONAMEEND=");
      const key = log[0];
      log = partition(partition(log[2], "INFOVAL=")[2], "INFOVALEND=");
      if (vi > 0) {
        const vx = log[0].split("\n");
        res[key] = (vx[0]! + vx.slice(1).map((x) => x.slice(vi)).join("")).trim();
      } else res[key] = log[0].replaceAll("\n", "").trim();
    }
    return res;
  }

  /** SASsessionHTTP.upload of local bytes (saspy reads them from `localfile`). */
  async upload(localName: string, bytes: Buffer, remotefile: string, overwrite = true): Promise<{ Success: boolean; LOG: string }> {
    let valid = await this.fileInfo(remotefile);
    let remf = remotefile;
    let exist = false;
    if (valid !== null) {
      if (Object.keys(valid).length === 0) {
        remf = remotefile + this.hostsep + localName;
        valid = await this.fileInfo(remf);
        if (valid !== null) {
          if (Object.keys(valid).length === 0) return { Success: false, LOG: `File ${remf} is an existing directory. Upload was stopped.` };
          exist = true;
          if (!overwrite) return { Success: false, LOG: `File ${remf} exists and overwrite was set to False. Upload was stopped.` };
        }
      } else {
        exist = true;
        if (!overwrite) return { Success: false, LOG: `File ${remotefile} exists and overwrite was set to False. Upload was stopped.` };
      }
    }
    let logf = (await this.submit(`filename _sp_updn '${remf}' recfm=N permission='';`, "text")).LOG;
    const accept = "application/vnd.sas.compute.fileref+json;application/json";
    const head = await this.call("HEAD", `${this.uris.files}/_sp_updn`, this.bearer({ Accept: accept }));
    if (head.status > 299) return { Success: false, LOG: logf };
    const got = await this.call("GET", `${this.uris.files}/_sp_updn`, this.bearer({ Accept: accept }));
    const etag = got.headers.get("etag")!;
    const put = await fetch(`${this.base}${this.uris.files}/_sp_updn/content`, {
      method: "PUT",
      headers: { Accept: "*/*", "Content-Type": "application/octet-stream", "If-Match": etag, Authorization: `Bearer ${this.token}` },
      body: new ReadableStream({
        start(controller) {
          controller.enqueue(bytes);
          controller.close();
        },
      }),
      duplex: "half",
    } as RequestInit);
    this.wire.push(`PUT ${this.uris.files}/_sp_updn/content ${put.status}`);
    const putText = await put.text();
    logf += (await this.submit("filename _sp_updn;", "text")).LOG;
    if (put.status > 299) return { Success: false, LOG: `Failure in upload. Status=${put.status}\nResponse=${putText}\n\n${logf}` };
    const valid2 = await this.fileInfo(remf);
    let success = false;
    if (valid2 !== null) success = exist ? Object.keys(valid!).some((k) => valid![k] !== valid2[k]) : true;
    return { Success: success, LOG: logf };
  }

  /** SASsessionHTTP.download: the remote file's bytes (saspy writes them to `localfile`). */
  async download(remotefile: string): Promise<{ Success: boolean; LOG: string; bytes?: Buffer }> {
    const valid = await this.fileInfo(remotefile);
    if (valid === null) return { Success: false, LOG: `File ${remotefile} does not exist.` };
    if (Object.keys(valid).length === 0) return { Success: false, LOG: `File ${remotefile} is a directory.` };
    let logf = (await this.submit(`filename _sp_updn '${remotefile}' recfm=F encoding=binary lrecl=4096;`, "text")).LOG;
    const r = await fetch(`${this.base}${this.uris.files}/_sp_updn/content`, {
      headers: { Accept: "*/*", "Content-Type": "application/octet-stream", Authorization: `Bearer ${this.token}` },
    });
    this.wire.push(`GET ${this.uris.files}/_sp_updn/content ${r.status}`);
    const bytes = Buffer.from(await r.arrayBuffer());
    logf += (await this.submit("filename _sp_updn;", "text")).LOG;
    if (r.status > 299) return { Success: false, LOG: `Failure in download. Status=${r.status}` };
    return { Success: true, LOG: logf, bytes };
  }

  async endsas(): Promise<number> {
    return (await this.call("DELETE", this.uris.del!, this.bearer({ Accept: "application/json" }))).status;
  }

  get sessionId(): string {
    return this.session.id;
  }
}
