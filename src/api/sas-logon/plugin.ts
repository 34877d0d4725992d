import { timingSafeEqual } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { TokenError, revocationSignature } from "../../auth/issuer.js";
import { WindowLimiter } from "../../auth/limiter.js";
import { isCoreError } from "../../core/errors.js";
import type { User } from "../../core/types.js";
import type { ApiEdge, EdgeAnswer } from "../../http/edge/api.js";
import type { FamilyContext } from "../context.js";
import type { FamilyApi } from "../family.js";
import { perServer } from "../per-server.js";
import { type ClientConfig, type SasLogonConfig, sasLogonConfig } from "./config.js";
import { formParameters } from "./form.js";

/**
 * SAS Logon's token endpoint, as UAA serves it under `/SASLogon`: password,
 * refresh_token and client_credentials grants with HTTP Basic client authentication,
 * the signing key as JWKS (`/token_keys`), `check_token`, and revocation of refresh
 * tokens. The tokens are sessionhub's own (see auth/issuer), accepted by every API.
 */

export const PREFIX = "/SASLogon";
const FORM_LIMIT = 64 * 1024;
const SCOPE = ["openid", "uaa.user"];

/** An OAuth error as UAA writes it: `{"error","error_description"}`. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

const badClient = () => new OAuthError(401, "unauthorized", "Bad credentials");

function send(reply: FastifyReply, status: number, body: unknown) {
  return reply.code(status).header("cache-control", "no-store").header("pragma", "no-cache").type("application/json;charset=UTF-8").send(JSON.stringify(body));
}

/** Basic credentials are URL-encoded by some clients (RFC 6749 §2.3.1); undecodable ones are bad credentials. */
function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw badClient();
  }
}

const sameSecret = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

interface Logon {
  config: SasLogonConfig;
  failures: WindowLimiter;
}

const logonOf = perServer((ctx): Logon => {
  const config = sasLogonConfig(ctx.config);
  return { config, failures: new WindowLimiter(config.failuresPerMinute, 60_000, ctx.hub.clock) };
});

/** The client of a request: HTTP Basic (`id:secret`), else `client_id`/`client_secret` parameters. */
function client(req: FastifyRequest, params: Record<string, string>, config: SasLogonConfig): ClientConfig {
  const header = req.headers.authorization;
  let id: string | undefined;
  let secret = "";
  if (header && /^basic /i.test(header)) {
    const pair = Buffer.from(header.slice(6).trim(), "base64").toString("utf8");
    const colon = pair.indexOf(":");
    if (colon < 0) throw badClient();
    id = decoded(pair.slice(0, colon));
    secret = decoded(pair.slice(colon + 1));
  } else if (params.client_id !== undefined) {
    id = params.client_id;
    secret = params.client_secret ?? "";
  }
  if (id === undefined) throw new OAuthError(401, "unauthorized", "Full authentication is required to access this resource");
  const found = config.clients.find((c) => c.id === id);
  if (!found || !sameSecret(found.secret, secret)) throw badClient();
  return found;
}

async function enabledUser(ctx: FamilyContext, id: string): Promise<User | null> {
  const user = await ctx.users.find(id);
  return user && !user.disabled ? user : null;
}

async function grant(req: FastifyRequest, ctx: FamilyContext, logon: Logon, params: Record<string, string>) {
  const type = params.grant_type;
  if (!type) throw new OAuthError(400, "invalid_request", "Missing grant type");
  const c = client(req, params, logon.config);
  if (!["password", "refresh_token", "client_credentials"].includes(type)) throw new OAuthError(400, "unsupported_grant_type", `Unsupported grant type: ${type}`);
  if (!c.grants.includes(type as ClientConfig["grants"][number])) throw new OAuthError(401, "invalid_client", `Unauthorized grant type: ${type}`);
  const issuer = `${req.protocol}://${req.host}${PREFIX}/oauth/token`;
  const issue = (user: User, refreshSeconds: number) =>
    ctx.auth.issuer.issue({ user, clientId: c.id, grantType: type, scope: SCOPE, issuer, accessSeconds: logon.config.accessTokenSeconds, refreshSeconds });

  if (type === "password") {
    const { username, password } = params;
    if (!username || password === undefined) throw new OAuthError(400, "invalid_request", "A username and a password are required.");
    if (logon.failures.blocked(username) !== null) throw new OAuthError(401, "unauthorized", "Your account has been locked because of too many failed attempts to login.");
    const checked = await ctx.auth.checkPassword(username, password);
    if (!checked.principal) {
      if (checked.failure === "inactive") throw new OAuthError(401, "unauthorized", "User account is disabled.");
      logon.failures.hit(username);
      throw new OAuthError(401, "unauthorized", "Bad credentials");
    }
    const user = await enabledUser(ctx, checked.principal.userId);
    if (!user) throw new OAuthError(401, "unauthorized", "Bad credentials");
    return issue(user, logon.config.refreshTokenSeconds);
  }

  if (type === "refresh_token") {
    const token = params.refresh_token;
    if (!token) throw new OAuthError(400, "invalid_request", "Missing refresh token");
    let claims;
    try {
      claims = await ctx.auth.issuer.verify(token, "refresh");
    } catch (e) {
      if (e instanceof TokenError) throw new OAuthError(401, "invalid_token", `Invalid refresh token: ${e.message}`);
      throw e;
    }
    if (claims.cid !== c.id) throw new OAuthError(401, "invalid_grant", `Wrong client for this refresh token: ${c.id}`);
    const user = await enabledUser(ctx, claims.sub);
    if (!user || claims.rev_sig !== revocationSignature(user)) throw new OAuthError(401, "invalid_token", "Invalid refresh token: the user's credentials have changed.");
    // As UAA by default: the refresh token is not rotated; the client keeps using it.
    return { ...(await issue(user, 0)), refreshToken: token };
  }

  const user = await enabledUser(ctx, c.user ?? c.id);
  if (!user) throw new OAuthError(401, "invalid_client", `Client ${c.id} is not linked to an enabled user.`);
  return issue(user, 0);
}

async function routes(app: FastifyInstance, ctx: FamilyContext): Promise<void> {
  const logon = logonOf(ctx);
  // Clients authenticate to the token endpoints with their own credentials (RFC 6749 §2.3),
  // read by the routes; only the revocations need a caller, whom the edge authenticates.
  app.addHook("onRoute", (route) => {
    if (!route.url.includes("/revoke/")) route.config = { ...route.config, public: true };
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer", bodyLimit: FORM_LIMIT }, (_req, body, done) => done(null, body));
  app.setErrorHandler((error: unknown, req, reply) => {
    if (error instanceof OAuthError) {
      if (error.status === 401 && error.error === "unauthorized" && !/^bearer /i.test(req.headers.authorization ?? "")) {
        reply.header("www-authenticate", `Basic realm="UAA/client", error="${error.error}", error_description="${error.message}"`);
      }
      return send(reply, error.status, { error: error.error, error_description: error.message });
    }
    // The database is away, or the server drains: RFC 6749's word for it.
    if (isCoreError(error, "unavailable")) return send(reply, 503, { error: "temporarily_unavailable", error_description: (error as Error).message });
    const status = (error as { statusCode?: number }).statusCode;
    if (typeof status === "number" && status >= 400 && status < 500) return send(reply, status, { error: "invalid_request", error_description: (error as Error).message });
    req.log.error({ err: error }, "SAS Logon request failed");
    return send(reply, 500, { error: "server_error", error_description: "An internal error occurred." });
  });
  app.setNotFoundHandler((_req, reply) => send(reply, 404, { error: "not_found", error_description: "No such resource." }));

  const form = (req: FastifyRequest) => {
    const params = formParameters(req.headers["content-type"], req.body as Buffer | undefined);
    if (!params) throw new OAuthError(400, "invalid_request", "The request must be a form (application/x-www-form-urlencoded or multipart/form-data).");
    return params;
  };
  for (const url of ["/oauth/token", "/oauth/check_token"]) {
    app.route({
      method: ["GET", "PUT", "DELETE", "PATCH"],
      url,
      handler: async (req) => {
        throw new OAuthError(405, "method_not_allowed", `Request method '${req.method}' not supported`);
      },
    });
  }

  app.post("/oauth/token", async (req, reply) => {
    const tokens = await grant(req, ctx, logon, form(req));
    return send(reply, 200, {
      access_token: tokens.accessToken,
      token_type: "bearer",
      ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
      expires_in: tokens.expiresIn,
      scope: SCOPE.join(" "),
      jti: tokens.jti,
    });
  });

  app.post("/oauth/check_token", async (req, reply) => {
    const params = form(req);
    client(req, params, logon.config);
    if (!params.token) throw new OAuthError(400, "invalid_request", "Missing token");
    try {
      const claims = await ctx.auth.issuer.verify(params.token, "access");
      const user = await enabledUser(ctx, claims.sub);
      if (!user || claims.rev_sig !== revocationSignature(user)) throw new TokenError("The token has been revoked.");
      return send(reply, 200, { ...claims, active: true });
    } catch (e) {
      if (e instanceof TokenError) throw new OAuthError(400, "invalid_token", e.message);
      throw e;
    }
  });

  app.get("/token_keys", async (_req, reply) => send(reply, 200, await ctx.auth.issuer.jwks()));
  app.get("/token_key", async (_req, reply) => send(reply, 200, (await ctx.auth.issuer.jwks()).keys[0]));

  app.delete<{ Params: { tokenId: string } }>("/oauth/token/revoke/:tokenId", async (req, reply) => {
    const who = req.principal;
    if (!(await ctx.auth.issuer.revoke(who.userId, req.params.tokenId))) throw new OAuthError(404, "not_found", "No such token.");
    return send(reply, 200, { status: "ok" });
  });

  app.get<{ Params: { userId: string } }>("/oauth/token/revoke/user/:userId", async (req, reply) => {
    const who = req.principal;
    if (!who.isAdmin && who.userId !== req.params.userId) throw new OAuthError(403, "access_denied", "Only the user or an administrator may revoke these tokens.");
    await ctx.auth.issuer.revokeAll(req.params.userId);
    return send(reply, 200, { status: "ok" });
  });
}

const oauthError = (status: number, error: string, description: string, headers: Record<string, string> = {}): EdgeAnswer => ({
  status,
  headers: { "content-type": "application/json;charset=UTF-8", "cache-control": "no-store", pragma: "no-cache", ...headers },
  body: JSON.stringify({ error, error_description: description }),
});

/** SAS Logon at the edge: OAuth's error bodies; a bearer token for revocations, the client's own credentials elsewhere. */
const sasLogonEdge: ApiEdge = {
  name: "sas-logon",
  schemes: ["bearer", "token", "jwt"],
  authenticateUnknownPaths: false,
  takesPasswords: true,
  error: (status, message) => oauthError(status, status === 404 ? "not_found" : status >= 500 ? "temporarily_unavailable" : "invalid_request", message),
  unauthenticated: () => oauthError(401, "invalid_token", "Full authentication is required to access this resource", { "www-authenticate": 'Bearer realm="UAA"' }),
};

/**
 * SAS Logon, served beside SAS Compute (on the main listener and on SAS Compute's own
 * port when it has one); none when it is switched off.
 */
export function sasLogonApi(ctx: FamilyContext): { prefix: string; api: FamilyApi }[] {
  if (!sasLogonConfig(ctx.config).enabled) return [];
  return [{ prefix: PREFIX, api: { name: "sas-logon", edge: sasLogonEdge, routes: (scope) => routes(scope, ctx) } }];
}
