/**
 * maxctrl's side of the wire, replayed (maxctrl is not on npm): for each command the
 * requests its `lib/*.js` sends — the same method, path, query and body, with axios's
 * headers and Basic credentials — and the reading of the answers that could make it fail:
 * a non-2xx status, or data it walks (`res.data.forEach`, `attributes.queries.length`,
 * the field paths of its tables). A command is fulfilled or rejected as maxctrl's
 * promise would be; a fulfilled one gives the rows of the table it would print.
 */

/** The headers axios 0.28 sends for maxctrl. */
const AXIOS = { accept: "application/json, text/plain, */*", "user-agent": "axios/0.28.0" };

/** The field paths of maxctrl's tables (`lib/list.js`, `lib/show.js`), in its own notation. */
const FIELDS: Record<string, string[]> = {
  "list servers": ["id", "attributes.parameters.address", "attributes.parameters.port", "attributes.statistics.connections", "attributes.state", "attributes.gtid_current_pos", "relationships.monitors.data[0].id"],
  "list services": ["id", "attributes.router", "attributes.statistics.connections", "attributes.statistics.total_connections", "relationships.servers.data[].id"],
  "list listeners": ["id", "attributes.parameters.port", "attributes.parameters.address", "attributes.state", "relationships.services.data[].id"],
  "list monitors": ["id", "attributes.state", "relationships.servers.data[].id"],
  "list sessions": ["id", "attributes.user", "attributes.remote", "attributes.connected", "attributes.idle", "relationships.services.data[].id", "attributes.memory.total", "attributes.io_activity"],
  "list filters": ["id", "relationships.services.data[].id", "attributes.module"],
  "list modules": ["id", "attributes.module_type", "attributes.version"],
  "list threads": ["id", "attributes.stats.current_descriptors", "attributes.stats.total_descriptors", "attributes.stats.load.last_second", "attributes.stats.load.last_minute", "attributes.stats.load.last_hour"],
  "list users": ["id", "type", "attributes.account", "attributes.created", "attributes.last_update", "attributes.last_login"],
  "list commands": ["id", "attributes.commands[].id"],
  "list queries": ["id", "attributes.user", "attributes.remote", "attributes.queries[0].duration", "attributes.queries[0].statement"],
  server: ["id", "attributes.source.file", "attributes.parameters.address", "attributes.parameters.port", "attributes.state", "attributes.version_string", "attributes.uptime", "attributes.last_event", "attributes.triggered_at", "relationships.services.data[].id", "relationships.monitors.data[].id", "attributes.master_id", "attributes.node_id", "attributes.slaves", "attributes.statistics.connections", "attributes.statistics.total_connections", "attributes.statistics.max_connections", "attributes.statistics", "attributes.parameters"],
  service: ["id", "attributes.source.file", "attributes.router", "attributes.state", "attributes.started", "attributes.users_last_update", "attributes.statistics.connections", "attributes.statistics.total_connections", "attributes.statistics.max_connections", "relationships.monitors.data[].id", "relationships.servers.data[].id", "relationships.services.data[].id", "relationships.filters.data[].id", "attributes.parameters", "attributes.statistics", "attributes.router_diagnostics"],
  monitor: ["id", "attributes.source.file", "attributes.module", "attributes.state", "relationships.servers.data[].id", "attributes.parameters", "attributes.monitor_diagnostics"],
  session: ["id", "relationships.services.data[].id", "attributes.state", "attributes.user", "attributes.remote", "attributes.port", "attributes.database", "attributes.connected", "attributes.idle", "attributes.parameters", "attributes.client.cipher", "attributes.client.connection_attributes", "attributes.connections[].server", "attributes.connections[].connection_id", "attributes.queries[].statement", "attributes.log", "attributes.memory", "attributes.io_activity"],
  filter: ["id", "attributes.source.file", "attributes.module", "relationships.services.data[].id", "attributes.parameters", "attributes.filter_diagnostics"],
  listener: ["id", "attributes.source.file", "relationships.services.data[].id", "attributes.parameters"],
  module: ["id", "attributes.module_type", "attributes.version", "attributes.maturity", "attributes.description", "attributes.parameters", "attributes.commands"],
  thread: ["id", "attributes.stats.state", "attributes.stats.listening", "attributes.stats.accepts", "attributes.stats.reads", "attributes.stats.writes", "attributes.stats.hangups", "attributes.stats.errors", "attributes.stats.avg_event_queue_length", "attributes.stats.max_event_queue_length", "attributes.stats.max_exec_time", "attributes.stats.max_queue_time", "attributes.stats.current_descriptors", "attributes.stats.total_descriptors", "attributes.stats.load.last_second", "attributes.stats.load.last_minute", "attributes.stats.load.last_hour", "attributes.stats.query_classifier_cache.size", "attributes.stats.query_classifier_cache.inserts", "attributes.stats.query_classifier_cache.hits", "attributes.stats.query_classifier_cache.misses", "attributes.stats.query_classifier_cache.evictions", "attributes.stats.sessions", "attributes.stats.zombies", "attributes.stats.memory.total"],
  maxscale: ["attributes.version", "attributes.commit", "attributes.started_at", "attributes.activated_at", "attributes.uptime", "attributes.config_sync", "attributes.parameters", "attributes.system"],
  logging: ["attributes.log_file", "attributes.log_priorities", "attributes.parameters"],
  commands: ["id", "attributes.parameters[].type", "attributes.parameters[].description"],
  qc_cache: ["id", "attributes.hits", "attributes.classification.type_mask", "attributes.classification.size"],
};

/** Fields maxctrl shows through `dateToLocaleString` (`new Date(v).toLocaleString()`). */
const DATES = new Set(["attributes.connected", "attributes.last_login", "attributes.started", "attributes.users_last_update"]);

/** lodash-getpath's `getPath(value, path, fallback)`: `a[]` maps over an array, `a[0]` indexes it. */
export function getPath(value: unknown, path: string, fallback: unknown = undefined): unknown {
  let node: unknown = value;
  for (const part of path.split(".")) {
    if (node === undefined || node === null) return fallback;
    const [, key, index] = /^([^[]*)(?:\[(\d*)\])?$/.exec(part)!;
    const step = (n: unknown) => (n as Record<string, unknown> | null | undefined)?.[key!];
    node = Array.isArray(node) ? node.map(step) : step(node);
    if (index === undefined) continue;
    if (!Array.isArray(node)) return fallback;
    if (index !== "") node = node[Number(index)];
  }
  return node === undefined ? fallback : node;
}

/** What a maxctrl command gave: the rows of its table (one per resource, or one key-value list). */
export interface Fulfilled {
  rows: unknown[][];
  /** Every request sent, as `METHOD /v1/path?query`. */
  sent: string[];
}

/** A rejected command, with maxctrl's message. */
export class Rejected extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

export interface MaxctrlOptions {
  /** `--hosts`: `host:port`, comma-separated. */
  hosts: string;
  user?: string;
  password?: string;
  /** `--secure`: HTTPS. */
  secure?: boolean;
  /** `--skip-sync`. */
  skipSync?: boolean;
}

type Json = any;

/** One maxctrl invocation against one set of hosts, as `maxctrl [options] <command>`. */
export function maxctrl(options: MaxctrlOptions) {
  const user = options.user ?? "ops";
  const password = options.password ?? "pw-ops";
  const sent: string[] = [];

  async function request(host: string, resource: string, method = "GET", data?: unknown): Promise<Json> {
    let endpoint = resource;
    if (options.skipSync) endpoint += (endpoint.includes("?") ? "&" : "?") + "sync=false";
    const url = `${options.secure ? "https" : "http"}://${host}/v1/${endpoint}`;
    const headers: Record<string, string> = { ...AXIOS, authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` };
    if (data !== undefined) headers["content-type"] = "application/json";
    sent.push(`${method} /v1/${endpoint}`);
    let res: Response;
    try {
      res = await fetch(url, { method, headers, ...(data !== undefined ? { body: JSON.stringify(data) } : {}) });
    } catch (e) {
      throw new Rejected(`Error: ${(e as Error).message}`, null);
    }
    const text = await res.text();
    const body = text === "" ? "" : JSON.parse(text);
    if (res.status < 200 || res.status > 299) {
      const extra = body ? `\n${JSON.stringify(body, null, 4)}` : res.status === 404 ? ". \nCheck that the object exists and that it is of the correct type." : "";
      throw new Rejected(`Error: Server at ${host} responded with ${res.status} ${res.statusText} to \`${method} ${resource}\`${extra}`, res.status);
    }
    return body ? body : "OK";
  }

  const shown = (path: string, v: unknown) => (DATES.has(path) && v ? new Date(v as string).toLocaleString() : v);

  /** `filterResource`: one row per resource, arrays joined. */
  const table = (res: Json, fields: string[]) =>
    res.data.map((row: Json) => fields.map((p) => {
      const v = getPath(row, p, "");
      return shown(p, Array.isArray(v) ? v.join(", ") : v);
    }));

  /** `formatResource`: one key-value list; objects as pretty JSON. */
  const list = (data: Json, fields: string[]) => [
    fields.map((p) => {
      const v = shown(p, getPath(data, p, ""));
      if (Array.isArray(v) && typeof v[0] !== "object") return v.map((part) => (part.length > 200 ? `${part.substr(0, 197)}...` : part)).join("\n");
      return typeof v === "object" ? JSON.stringify(v, null, 4) : v;
    }),
  ];

  /** `getSubCollection`: the rows of an array inside one resource. */
  const sub = (data: Json, at: string, fields: string[]) =>
    (getPath(data, at, []) as Json[]).map((item) => fields.map((p) => getPath(item, p, "")));

  async function run(host: string, args: string[]): Promise<unknown[][]> {
    const [verb, noun, ...rest] = args;
    const flag = (name: string) => rest.includes(`--${name}`);
    const value = (name: string, fallback: string) => {
      const i = rest.indexOf(`--${name}`);
      return i >= 0 ? (rest[i + 1] ?? "") : fallback;
    };
    const positional = rest.filter((a, i) => !a.startsWith("--") && !(i > 0 && rest[i - 1]!.startsWith("--") && ["ttl", "monitor", "top"].includes(rest[i - 1]!.slice(2))));
    const rdns = flag("rdns") ? "?rdns=true" : "";
    const command = `${verb} ${noun}`;
    switch (command) {
      case "list servers": {
        const res = await request(host, "servers");
        for (const s of res.data) {
          if (!s.attributes.parameters.address && s.attributes.parameters.socket) s.attributes.parameters.address = s.attributes.parameters.socket;
          if (s.attributes.state_details) s.attributes.state += ", " + s.attributes.state_details;
          if (!s.attributes.gtid_current_pos) s.attributes.gtid_current_pos = "";
        }
        return table(res, FIELDS[command]!);
      }
      case "list listeners":
        if (positional[0]) return sub((await request(host, `services/${positional[0]}`)).data, "attributes.listeners", FIELDS[command]!);
        return table(await request(host, "listeners"), FIELDS[command]!);
      case "list sessions":
        return table(await request(host, `sessions${rdns}`), FIELDS[command]!);
      case "list services":
      case "list monitors":
      case "list filters":
      case "list users":
        return table(await request(host, noun!), FIELDS[command]!);
      case "list modules":
      case "list commands":
        return table(await request(host, "maxscale/modules"), FIELDS[command]!);
      case "list threads":
        return table(await request(host, "maxscale/threads"), FIELDS[command]!);
      case "list queries": {
        const mxs = await request(host, "maxscale");
        if (mxs.data.attributes.parameters.retain_last_statements <= 0) throw new Rejected("Error: The 'retain_last_statements' parameter must be enabled", null);
        const res = await request(host, "sessions");
        res.data = res.data.filter((s: Json) => s.attributes.queries.length > 0 && !s.attributes.queries[0].completed);
        for (const s of res.data) s.attributes.queries[0].duration = Math.floor((Date.now() - Date.parse(s.attributes.queries[0].received)) / 1000) + "s";
        return table(res, FIELDS[command]!);
      }
      case "show server":
      case "show service":
      case "show monitor":
      case "show filter":
      case "show listener":
        return list((await request(host, `${noun}s/${positional[0]}`)).data, FIELDS[noun!]!);
      case "show session":
        return list((await request(host, `sessions/${positional[0]}${rdns}`)).data, FIELDS.session!);
      case "show servers":
        return (await request(host, "servers")).data.flatMap((s: Json) => list(s, FIELDS.server!));
      case "show services":
      case "show monitors":
      case "show filters":
      case "show listeners":
        return (await request(host, `${noun}/`)).data.flatMap((r: Json) => list(r, FIELDS[noun!.slice(0, -1)]!));
      case "show sessions":
        return (await request(host, `sessions/${rdns}`)).data.flatMap((r: Json) => list(r, FIELDS.session!));
      case "show module":
        return list((await request(host, `maxscale/modules/${positional[0]}`)).data, FIELDS.module!);
      case "show modules":
        return (await request(host, `maxscale/modules/${flag("load-all") ? "?load=all" : ""}`)).data.flatMap((r: Json) => list(r, FIELDS.module!));
      case "show maxscale":
        return list((await request(host, "maxscale")).data, FIELDS.maxscale!);
      case "show thread":
        return list((await request(host, `maxscale/threads/${positional[0]}`)).data, FIELDS.thread!);
      case "show threads": {
        const rows = table(await request(host, "maxscale/threads"), FIELDS.thread!);
        // `getTransposedCollection`: a column per thread, then a summary.
        return FIELDS.thread!.map((_, i) => rows.map((r: unknown[]) => r[i]));
      }
      case "show logging":
        return list((await request(host, "maxscale/logs")).data, FIELDS.logging!);
      case "show commands":
        return sub((await request(host, `maxscale/modules/${positional[0]}`)).data, "attributes.commands", FIELDS.commands!);
      case "show qc_cache":
        return table(await request(host, `maxscale/query_classifier/cache?top=${value("top", "20")}`), FIELDS.qc_cache!);
      case "show dbusers": {
        const res = await request(host, `services/${positional[0]}`);
        return (res.data.attributes.users ?? []).map((u: Json) => [u.user, u.host, u.plugin, u.ssl, u.super_priv, u.global_priv, u.proxy_priv, u.default_role]);
      }
      case "show replication": {
        const res = await request(host, "monitors/");
        const rows: unknown[][] = [];
        const only = rest.includes("--monitor") ? value("monitor", "") : null;
        for (const monitor of res.data ?? []) {
          if ((only === null || only === monitor.id) && monitor.attributes.module === "mariadbmon") {
            for (const server of monitor.attributes.monitor_diagnostics.server_info) for (const c of server.slave_connections) rows.push([server.name, c.master_server_name]);
          }
        }
        return rows;
      }
      case "destroy session": {
        // yargs reads `--ttl` as a number: a word becomes NaN, sent as such.
        const ttl = Number(value("ttl", "0"));
        await Promise.all(positional.map((id) => request(host, `sessions/${id}?ttl=${ttl}`, "DELETE")));
        return [["OK"]];
      }
      case "reload session":
        await request(host, `sessions/${positional[0]}/restart`, "POST");
        return [["OK"]];
      case "reload sessions":
        await request(host, "sessions/restart", "POST");
        return [["OK"]];
      case "reload service":
        await request(host, `services/${positional[0]}/reload`, "POST");
        return [["OK"]];
      case "reload tls":
        await request(host, "maxscale/tls/reload", "POST");
        return [["OK"]];
      case "alter session": {
        const [id, ...pairs] = positional;
        const parameters: Record<string, unknown> = {};
        for (const pair of pairs) {
          const at = pair.indexOf("=");
          parameters[pair.slice(0, at)] = parseValue(pair.slice(at + 1));
        }
        await request(host, `sessions/${id}`, "PATCH", { data: { attributes: { parameters } } });
        return [["OK"]];
      }
      case "alter session-filters": {
        const [id, ...filters] = positional;
        // maxctrl sends `id: argv.service`, undefined for a session: JSON leaves it out.
        await request(host, `sessions/${id}`, "PATCH", { data: { type: "services", relationships: { filters: { data: filters.map((f) => ({ id: f, type: "filters" })) } } } });
        return [["OK"]];
      }
      default:
        throw new Error(`the replay does not know \`${command}\``);
    }
  }

  /** Runs `command` (words separated by spaces, as maxctrl's tests split them). */
  return async function command(line: string): Promise<Fulfilled> {
    const hosts = options.hosts.split(",");
    if (hosts.some((h) => h === "")) throw new Rejected("Error: no host", null);
    // `pingCluster`: with several hosts, each is asked for `/v1/` first.
    if (hosts.length > 1) await Promise.all(hosts.map((h) => request(h, "")));
    const rows: unknown[][] = [];
    for (const host of hosts) rows.push(...(await run(host, line.split(" "))));
    return { rows, sent: [...sent] };
  };
}

/** maxctrl's `parseValue` of a `key=value` pair's value. */
function parseValue(value: string): unknown {
  if (value.length === 0) return value;
  if (value === "true") return true;
  if (value === "false") return false;
  const n = Number(value);
  if (!Number.isNaN(n)) return n;
  try {
    const v = JSON.parse(value);
    if (typeof v === "object") return v;
  } catch {
    // not JSON: a string
  }
  return value;
}
