import assert from "node:assert/strict";
import { after, before } from "node:test";
import { ADMIN_TOKEN, type Answer, type StartOptions, type TestServer, http, startServer } from "../../helpers/server.js";
import { PATIENCE_MS, until } from "../../helpers/wait.js";

/**
 * The checklist's fixture (contract §10): users alice, bob and the administrator ops,
 * the built-in context (SAS language), `script` (the script language, where the
 * protocol tests run), `js` (quickjs) and `off` (no executor).
 */
export interface Sas {
  t: TestServer;
  tokens: { alice: string; bob: string; ops: string };
  as(token: string): (method: string, path: string, opts?: Parameters<typeof http>[3]) => Promise<Answer>;
  alice: (method: string, path: string, opts?: Parameters<typeof http>[3]) => Promise<Answer>;
  /** Creates a session on a context (`script` by default) as alice; returns its href. */
  create(body?: unknown, context?: string, token?: string): Promise<{ href: string; body: any; etag: string }>;
  /** Submits code and waits for the job to end; returns its href and final representation. */
  run(sessionHref: string, code: string | string[], extra?: Record<string, unknown>, token?: string): Promise<{ href: string; job: any }>;
  /** Submits code; returns the 201. */
  submit(sessionHref: string, code: string | string[], extra?: Record<string, unknown>, token?: string): Promise<Answer>;
  waitState(jobHref: string, state: (s: string) => boolean, ms?: number, token?: string): Promise<string>;
  stop(): Promise<void>;
}

export const JSON_ACCEPT = { accept: "application/json" };

export async function startSas(options: StartOptions & { sasLimits?: Record<string, number> } = {}): Promise<Sas> {
  const { sasLimits, ...rest } = options;
  const t = await startServer({ ...rest, config: { ...rest.config, ...(sasLimits ? { sasCompute: { limits: sasLimits } } : {}) } });
  const admin = (method: string, path: string, body?: unknown) => http(t.url, method, path, { token: ADMIN_TOKEN, body });
  const tokens: Record<string, string> = {};
  for (const user of ["alice", "bob", "ops"]) {
    if ((await admin("GET", `/api/v1/users/${user}`)).status !== 200) {
      assert.equal((await admin("POST", "/api/v1/users", user === "ops" ? { id: user, roles: ["admin"] } : { id: user })).status, 201);
    }
    const issued = await admin("POST", "/api/v1/tokens", { userId: user, name: "test" });
    assert.equal(issued.status, 201, issued.text);
    tokens[user] = issued.body.secret;
  }
  for (const [id, name, executor] of [["script", "Script language context", "script"], ["js", "JavaScript compute context", "quickjs"], ["off", "Code off context", "none"]] as const) {
    if ((await admin("GET", `/api/v1/services/${id}`)).status === 404) {
      const made = await admin("POST", "/api/v1/services", { id, kind: "sas-compute", name, settings: { executor } });
      assert.equal(made.status, 201, made.text);
    }
  }
  const as = (token: string) => (method: string, path: string, opts: Parameters<typeof http>[3] = {}) => http(t.url, method, path, { token, ...opts });
  const alice = as(tokens.alice!);
  const submit = (href: string, code: string | string[], extra: Record<string, unknown> = {}, token = tokens.alice!) =>
    as(token)("POST", `${href}/jobs`, { body: { code: Array.isArray(code) ? code : [code], ...extra } });
  const waitState = async (jobHref: string, done: (s: string) => boolean, ms = PATIENCE_MS, token = tokens.alice!) =>
    until(`job ${jobHref} to reach its state`, async () => {
      const state = (await as(token)("GET", `${jobHref}/state`)).text;
      return done(state) ? state : null;
    }, ms);
  const terminal = (s: string) => ["completed", "warning", "error", "canceled"].includes(s);
  return {
    t,
    tokens: tokens as Sas["tokens"],
    as,
    alice,
    async create(body: unknown = {}, context = "script", token = tokens.alice!) {
      const r = await as(token)("POST", `/compute/contexts/${context}/sessions`, { body });
      assert.equal(r.status, 201, r.text);
      return { href: r.headers.get("location")!, body: r.body, etag: r.headers.get("etag")! };
    },
    submit,
    waitState,
    async run(href, code, extra = {}, token = tokens.alice!) {
      const r = await submit(href, code, extra, token);
      assert.equal(r.status, 201, r.text);
      const jobHref = r.headers.get("location")!;
      // A job ends by its own limits, some of them long: this only catches one that never ends.
      await waitState(jobHref, terminal, 4 * PATIENCE_MS, token);
      return { href: jobHref, job: (await as(token)("GET", jobHref)).body };
    },
    stop: () => t.stop(),
  };
}

/**
 * One server for the enclosing `describe`: started (with `options`) before its tests, stopped
 * after them. The object returned is filled in once the server has started.
 */
export function useSas(options: Parameters<typeof startSas>[0] = {}): Sas {
  const sas = {} as Sas;
  before(async () => {
    Object.assign(sas, await startSas(options));
  });
  after(() => sas.stop());
  return sas;
}

export const lines = (collection: any): string[] => collection.items.map((i: any) => i.line);
