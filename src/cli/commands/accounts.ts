import { usage } from "../exit.js";
import { relative } from "../output.js";
import { type Flags, command, group } from "../spec.js";
import { defined, password, seconds, text } from "../values.js";
import { TOKEN_COLUMNS, USER_COLUMNS, USER_FIELDS } from "../views.js";

/** `admin` is the one role sessionhub gives a meaning to; other roles are the API's to set. */
function roles(flags: Flags, allowNone: boolean): string[] | undefined {
  const role = text(flags, "role");
  if (role === undefined) return undefined;
  if (role === "admin") return ["admin"];
  if (allowNone && role === "none") return [];
  throw usage(`--role must be admin${allowNone ? " or none" : ""}; got "${role}"`);
}

const passwordFlags = {
  "password-stdin": { type: "boolean", help: "read a password (for HTTP Basic, e.g. maxctrl) from standard input" },
  password: { type: "string", value: "PASSWORD", help: "the password on the command line (prefer --password-stdin)" },
} as const;

const list = command({
  summary: "List users (administrators)",
  examples: ["sessionhub users list"],
  async run({ hub, out }) {
    out.list(await hub().users.list(), USER_COLUMNS);
  },
});

const show = command({
  summary: "Show one user",
  args: ["<id>"],
  examples: ["sessionhub users show ops"],
  async run({ args, hub, out }) {
    out.record(await hub().users.get(args[0]!), USER_FIELDS, USER_COLUMNS);
  },
});

const add = command({
  summary: "Add a user (administrators)",
  args: ["<id>"],
  flags: {
    role: { type: "string", value: "ROLE", help: "admin, for an administrator (default: none)" },
    ...passwordFlags,
    "device-id": { type: "string", value: "ID", help: "the device it stands for (Roundware)" },
  },
  examples: ["sessionhub users add alice", "printf 's3cret\\n' | sessionhub users add ops --role admin --password-stdin"],
  async run({ args, flags, hub, out }) {
    const u = await hub().users.create({ id: args[0]!, ...defined({ roles: roles(flags, false), password: password(flags), deviceId: text(flags, "device-id") }) });
    out.done(u, `created user ${u.id}${u.roles.length ? ` (${u.roles.join(", ")})` : ""}`, u.id);
  },
});

const update = command({
  summary: "Change a user (administrators)",
  args: ["<id>"],
  flags: {
    role: { type: "string", value: "ROLE", help: "admin, or none to take the role away" },
    ...passwordFlags,
    "clear-password": { type: "boolean", help: "remove the password" },
    disable: { type: "boolean", help: "refuse the user's tokens and password from now on" },
    enable: { type: "boolean", help: "accept them again" },
  },
  examples: ["sessionhub users update alice --role admin", "sessionhub users update alice --disable"],
  async run({ args, flags, hub, out }) {
    if (flags.disable && flags.enable) throw usage("--disable and --enable: give one of them");
    if (flags["clear-password"] && (flags.password !== undefined || flags["password-stdin"])) throw usage("--clear-password and a password: give one of them");
    const patch = defined({
      roles: roles(flags, true),
      password: flags["clear-password"] ? null : password(flags),
      disabled: flags.disable ? true : flags.enable ? false : undefined,
    });
    if (Object.keys(patch).length === 0) throw usage("nothing to change: give --role, a password, --clear-password, --disable or --enable");
    const u = await hub().users.update(args[0]!, patch);
    out.done(u, `updated user ${u.id}`, u.id);
  },
});

const remove = command({
  summary: "Delete a user (administrators)",
  args: ["<id>"],
  examples: ["sessionhub users delete alice"],
  async run({ args, hub, out }) {
    await hub().users.delete(args[0]!);
    out.done({ deleted: args[0] }, `deleted user ${args[0]}`, args[0]);
  },
});

export const users = group({ summary: "List, show, add, change and delete users", children: { list, show, add, update, delete: remove } });

const create = command({
  summary: "Create an API token; its secret is shown once",
  flags: {
    name: { type: "string", value: "NAME", help: "what it is for" },
    user: { type: "string", value: "USER", help: "whose token (administrators; default: yours)" },
    "expires-in": { type: "string", value: "DURATION", help: "it stops working after this long (3600, 12h, 30d; default never)" },
  },
  examples: ["sessionhub tokens create --name ci --expires-in 30d", "sessionhub tokens create --user alice -o json"],
  async run({ flags, hub, out }) {
    const issued = await hub().tokens.create(defined({ name: text(flags, "name"), userId: text(flags, "user"), expiresInSeconds: seconds(flags, "expires-in") }));
    const expiry = issued.token.expiresAt ? `, expires ${relative(issued.token.expiresAt)}` : "";
    out.done(issued, `token ${issued.token.id} for ${issued.token.userId}${expiry} (shown once):\n${issued.secret}`, issued.secret);
  },
});

const tokenList = command({
  summary: "List API tokens (never their secrets)",
  flags: { user: { type: "string", value: "USER", help: "another user's (administrators)" } },
  examples: ["sessionhub tokens list", "sessionhub tokens list --user alice"],
  async run({ flags, hub, out }) {
    out.list(await hub().tokens.list(text(flags, "user")), TOKEN_COLUMNS);
  },
});

const revoke = command({
  summary: "Revoke an API token",
  args: ["<id>"],
  examples: ["sessionhub tokens revoke 01927c5e-…"],
  async run({ args, hub, out }) {
    await hub().tokens.revoke(args[0]!);
    out.done({ revoked: args[0] }, `revoked token ${args[0]}`, args[0]);
  },
});

export const tokens = group({ summary: "Create, list and revoke API tokens", children: { create, list: tokenList, revoke } });
