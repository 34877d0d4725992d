import { readFileSync } from "node:fs";
import { SessionHub } from "../../client/index.js";
import { DEFAULT_URL, connection } from "../connection.js";
import { CliError, EXIT, usage } from "../exit.js";
import { normalizeUrl, readLogins, writeLogins } from "../login.js";
import { command } from "../spec.js";
import { text } from "../values.js";
import { readSecret } from "../prompt.js";

const login = command({
  summary: "Store a server's URL and token for the commands that follow",
  description: `Check a token against the server, then keep it in $XDG_CONFIG_HOME/sessionhub/config.json
(~/.config/sessionhub/config.json), readable by you only, with that server as the default.
The token comes from --token, --token-stdin, SESSIONHUB_TOKEN, or a prompt.
Flags and SESSIONHUB_URL / SESSIONHUB_TOKEN still win over the stored login.`,
  flags: { "token-stdin": { type: "boolean", help: "read the token from standard input" } },
  examples: ["sessionhub login", "sessionhub login --url https://hub.example.com", "echo \"$TOKEN\" | sessionhub login --token-stdin"],
  async run({ flags, env, out }) {
    const url = typeof flags.url === "string" ? normalizeUrl(flags.url, "--url") : env.SESSIONHUB_URL ? normalizeUrl(env.SESSIONHUB_URL, "SESSIONHUB_URL") : DEFAULT_URL;
    const token = flags["token-stdin"] ? readFileSync(0, "utf8").trim() : (text(flags, "token") ?? (env.SESSIONHUB_TOKEN || (await readSecret(`Token for ${url}: `))));
    if (!token) throw usage("no token: give --token, --token-stdin or SESSIONHUB_TOKEN");
    const me = await new SessionHub({ url, token }).me().catch((e: unknown) => {
      if ((e as { status?: number }).status === 401) throw new CliError(`${url} does not accept this token.`, EXIT.auth);
      throw e;
    });
    const logins = readLogins(env);
    const file = writeLogins(env, { url, tokens: { ...logins.tokens, [url]: token } });
    out.done({ url, userId: me.userId, roles: me.roles }, `Logged in to ${url} as ${me.userId}${me.isAdmin ? " (administrator)" : ""}; saved in ${file}.`, me.userId);
  },
});

const logout = command({
  summary: "Forget the stored token of a server (the default one unless --url)",
  examples: ["sessionhub logout", "sessionhub logout --url https://hub.example.com"],
  async run({ flags, env, out }) {
    const logins = readLogins(env);
    const url = typeof flags.url === "string" ? normalizeUrl(flags.url, "--url") : logins.url;
    if (!url || !(url in logins.tokens)) {
      out.done({ url: url ?? null, loggedOut: false }, `Not logged in${url ? ` to ${url}` : ""}.`, "");
      return;
    }
    const { [url]: _gone, ...tokens } = logins.tokens;
    writeLogins(env, { ...(logins.url && logins.url !== url ? { url: logins.url } : {}), tokens });
    out.done({ url, loggedOut: true }, `Logged out of ${url}.`, url);
  },
});

const whoami = command({
  summary: "Show who the token is, on which server",
  examples: ["sessionhub whoami"],
  async run({ flags, env, hub, out }) {
    const me = await hub().me();
    const { url, tokenFrom } = connection(flags, env);
    out.done({ url, ...me }, `${me.userId}${me.isAdmin ? " (administrator)" : ""} on ${url}, with the token from ${tokenFrom}`, me.userId);
  },
});

export const accountCommands = { login, logout, whoami };
