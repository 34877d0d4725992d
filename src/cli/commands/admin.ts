import { readFileSync } from "node:fs";
import { CliError, type NativeClient } from "../client.js";
import { table } from "../table.js";

type Flags = Record<string, string | boolean>;
type Out = (text: string) => void;

interface Listed<T> {
  items: T[];
  nextCursor?: string | null;
}

function need(args: string[], index: number, what: string): string {
  const v = args[index];
  if (!v) throw new CliError(`missing ${what}`, 2);
  return v;
}

const str = (flags: Flags, name: string) => (typeof flags[name] === "string" ? (flags[name] as string) : undefined);

function int(flags: Flags, name: string): number | undefined {
  const raw = str(flags, name);
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(raw)) throw new CliError(`--${name} takes a whole number`, 2);
  return Number(raw);
}

function json(flags: Flags, name: string): unknown {
  const raw = str(flags, name);
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw new CliError(`--${name} takes JSON`, 2);
  }
}

const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function print(out: Out, flags: Flags, data: unknown, human: () => string): void {
  out(flags.json ? JSON.stringify(data, null, 2) : human());
}

function passwordFrom(flags: Flags): string | undefined {
  if (flags["password-stdin"]) return readFileSync(0, "utf8").replace(/\r?\n$/, "");
  return str(flags, "password");
}

export async function users(client: NativeClient, args: string[], flags: Flags, out: Out): Promise<void> {
  const [verb] = args;
  if (verb === "list") {
    const { items } = await client.request<Listed<Record<string, unknown>>>("GET", "/users");
    return print(out, flags, items, () => table(items, ["id", "number", "roles", "hasPassword", "deviceId", "disabled"]));
  }
  if (verb === "add") {
    const roles = str(flags, "role")?.split(",").filter(Boolean);
    const user = await client.request<Record<string, unknown>>(
      "POST",
      "/users",
      defined({ id: need(args, 1, "user id"), roles, password: passwordFrom(flags), deviceId: str(flags, "device-id") }),
    );
    return print(out, flags, user, () => `created user ${String(user.id)}`);
  }
  throw new CliError("usage: sessionhub users add <id> [--role admin] [--password-stdin] | users list", 2);
}

export async function tokens(client: NativeClient, args: string[], flags: Flags, out: Out): Promise<void> {
  const [verb] = args;
  if (verb === "create") {
    const issued = await client.request<{ token: Record<string, unknown>; secret: string }>(
      "POST",
      "/tokens",
      defined({ name: str(flags, "name"), userId: str(flags, "user"), expiresInSeconds: int(flags, "expires-in") }),
    );
    return print(out, flags, issued, () => `token ${String(issued.token.id)} for ${String(issued.token.userId)} (shown once):\n${issued.secret}`);
  }
  if (verb === "list") {
    const user = str(flags, "user");
    const { items } = await client.request<Listed<Record<string, unknown>>>("GET", `/tokens${user ? `?userId=${encodeURIComponent(user)}` : ""}`);
    return print(out, flags, items, () => table(items, ["id", "userId", "name", "issuer", "createdAt", "expiresAt", "revokedAt"]));
  }
  if (verb === "revoke") {
    const id = need(args, 1, "token id");
    await client.request("DELETE", `/tokens/${encodeURIComponent(id)}`);
    return print(out, flags, { revoked: id }, () => `revoked token ${id}`);
  }
  throw new CliError("usage: sessionhub tokens create [--name N] [--user U] [--expires-in S] | list [--user U] | revoke <id>", 2);
}

export async function services(client: NativeClient, args: string[], flags: Flags, out: Out): Promise<void> {
  const [verb] = args;
  if (verb === "list") {
    const { items } = await client.request<Listed<Record<string, unknown>>>("GET", "/services");
    return print(out, flags, items, () => table(items, ["id", "number", "kind", "name", "defaultInactiveTimeoutSeconds"]));
  }
  const fields = () =>
    defined({
      name: str(flags, "name"),
      description: str(flags, "description"),
      settings: json(flags, "settings"),
      defaultInactiveTimeoutSeconds: int(flags, "timeout"),
    });
  if (verb === "create") {
    const service = await client.request<Record<string, unknown>>(
      "POST",
      "/services",
      defined({ id: need(args, 1, "service id"), kind: str(flags, "kind"), number: int(flags, "number"), ...fields() }),
    );
    return print(out, flags, service, () => `created service ${String(service.id)} (number ${String(service.number)}, kind ${String(service.kind)})`);
  }
  if (verb === "update") {
    const id = need(args, 1, "service id");
    const service = await client.request<Record<string, unknown>>("PATCH", `/services/${encodeURIComponent(id)}`, fields());
    return print(out, flags, service, () => `updated service ${id}`);
  }
  throw new CliError(
    "usage: sessionhub services list | create <id> [--kind K] [--number N] [--name N] [--settings JSON] [--timeout S] | update <id> ...",
    2,
  );
}

export async function sessions(client: NativeClient, args: string[], flags: Flags, out: Out): Promise<void> {
  const [verb] = args;
  if (verb === "list") {
    const query = new URLSearchParams(
      defined({ service: str(flags, "service"), state: str(flags, "state"), owner: str(flags, "owner"), limit: str(flags, "limit") ?? "100" }) as Record<string, string>,
    );
    const items: Record<string, unknown>[] = [];
    let cursor: string | null | undefined;
    do {
      if (cursor) query.set("cursor", cursor);
      const page = await client.request<Listed<Record<string, unknown>>>("GET", `/sessions?${query}`);
      items.push(...page.items);
      cursor = flags.all ? page.nextCursor : null;
    } while (cursor);
    return print(out, flags, items, () => table(items, ["number", "id", "serviceId", "owner", "state", "status", "memberCount", "lastActivityAt"]));
  }
  const id = need(args, 1, "session id or number");
  const path = `/sessions/${encodeURIComponent(id)}`;
  if (verb === "show") {
    const s = await client.request<Record<string, unknown>>("GET", path);
    return print(out, flags, s, () => Object.entries(s).map(([k, v]) => `${k.padEnd(24)}${typeof v === "object" && v !== null ? JSON.stringify(v) : String(v)}`).join("\n"));
  }
  if (verb === "end") {
    const s = await client.request<Record<string, unknown>>("POST", `${path}/end`, defined({ reason: str(flags, "reason") }));
    return print(out, flags, s, () => `session ${String(s.number)} ${String(s.state)} (${String(s.endReason)})`);
  }
  if (verb === "delete") {
    await client.request("DELETE", path);
    return print(out, flags, { deleted: id }, () => `deleted session ${id}`);
  }
  throw new CliError("usage: sessionhub sessions list [--service S] [--state S] [--all] | show <id> | end <id> [--reason R] | delete <id>", 2);
}
