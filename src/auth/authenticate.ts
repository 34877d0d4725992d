import { createHmac, randomBytes } from "node:crypto";
import type { EventBus } from "../core/events.js";
import { digest, dummyPasswordHash, verifyPassword } from "../core/secrets.js";
import type { AuthMethod, Principal, User } from "../core/types.js";
import type { Store } from "../core/store.js";
import { TokenError, TokenIssuer, revocationSignature } from "./issuer.js";
import { type JwtConfig, JwtVerifier, looksLikeJwt } from "./jwt.js";

/** The schemes a family accepts. `bearer` carries an API token or a JWT. */
export type Scheme = "token" | "bearer" | "jwt" | "basic";

/**
 * Why a request is not authenticated; families map each to their own 401 body.
 * - missing: no header, or a scheme this family does not accept
 * - no-credentials: a scheme with nothing after it
 * - has-spaces: more than one credential
 * - bad-characters: non-printable or non-ASCII credential
 * - malformed: undecodable (bad base64 for Basic)
 * - invalid: unknown, revoked, expired, badly signed, wrong password
 * - inactive: the user is disabled
 */
export type AuthFailure = "missing" | "no-credentials" | "has-spaces" | "bad-characters" | "malformed" | "invalid" | "inactive";

export type AuthOutcome = { principal: Principal; failure?: undefined } | { principal?: undefined; failure: AuthFailure; scheme: string | null };

interface Cached {
  principal: Principal;
  until: number;
  userId: string;
  tokenId?: string;
}

const TOKEN_CACHE_MS = 30_000;
const BASIC_CACHE_MS = 60_000;
const MAX_CACHE = 20_000;

export function principalOf(user: Pick<User, "id" | "roles">, method: AuthMethod, adminRoles: string[], tokenId?: string): Principal {
  const roles = [...user.roles];
  return { userId: user.id, roles, isAdmin: roles.some((r) => adminRoles.includes(r)), method, ...(tokenId ? { tokenId } : {}) };
}

/**
 * Turns an `Authorization` header into a principal: API tokens, JWTs (its own, issued
 * at SAS Logon's token endpoint, and those of a configured issuer) and HTTP Basic.
 * Successful checks are cached in memory so the hot path never reaches the database;
 * the caches drop entries when token or user events (from any node) say so.
 */
export class Authenticator {
  private readonly tokens = new Map<string, Cached>();
  private readonly jwts = new Map<string, Cached>();
  private readonly basics = new Map<string, Cached>();
  private readonly basicKey = randomBytes(32);
  readonly jwt: JwtVerifier;
  readonly issuer: TokenIssuer;

  constructor(
    private readonly store: Store,
    bus: EventBus,
    private readonly jwtConfig: JwtConfig,
    private readonly clock: () => number = Date.now,
  ) {
    this.jwt = new JwtVerifier(jwtConfig);
    this.issuer = new TokenIssuer(store, clock);
    bus.subscribe((events) => {
      for (const e of events) {
        if (e.type === "token.revoked") this.forget((c) => c.tokenId === e.data.tokenId);
        if (e.type === "user.changed") this.forget((c) => c.userId === e.data.userId);
      }
    });
  }

  private forget(match: (c: Cached) => boolean): void {
    for (const cache of [this.tokens, this.basics, this.jwts]) {
      for (const [key, entry] of cache) if (match(entry)) cache.delete(key);
    }
  }

  private remember(cache: Map<string, Cached>, key: string, entry: Cached): void {
    if (cache.size >= MAX_CACHE) {
      const oldest = cache.keys().next().value;
      if (oldest !== undefined) cache.delete(oldest);
    }
    cache.set(key, entry);
  }

  private cached(cache: Map<string, Cached>, key: string): Principal | null {
    const hit = cache.get(key);
    if (!hit) return null;
    if (hit.until <= this.clock()) {
      cache.delete(key);
      return null;
    }
    return hit.principal;
  }

  /**
   * The outcome at once when the header is refused or its credential is cached — the hot
   * path costs no promise — and a promise when the store or a key must be asked.
   */
  authenticate(header: string | undefined, accept: readonly Scheme[]): AuthOutcome | Promise<AuthOutcome> {
    if (!header) return { failure: "missing", scheme: null };
    const space = header.indexOf(" ");
    const scheme = (space < 0 ? header : header.slice(0, space)).toLowerCase();
    if (!(accept as readonly string[]).includes(scheme)) return { failure: "missing", scheme };
    const rest = space < 0 ? "" : header.slice(space + 1);
    if (rest.length === 0) return { failure: "no-credentials", scheme };
    if (rest.includes(" ")) return { failure: "has-spaces", scheme };
    if (/[^\x21-\x7e]/.test(rest)) return { failure: "bad-characters", scheme };
    switch (scheme as Scheme) {
      case "basic":
        return this.basic(rest);
      case "jwt":
        return this.fromJwt(rest, scheme);
      case "bearer":
        return looksLikeJwt(rest) ? this.fromJwt(rest, scheme) : this.fromToken(rest, scheme);
      case "token":
        return looksLikeJwt(rest) && accept.includes("jwt") ? this.fromJwt(rest, scheme) : this.fromToken(rest, scheme);
    }
  }

  private fromToken(secret: string, scheme: string): AuthOutcome | Promise<AuthOutcome> {
    const hash = digest(secret);
    const hit = this.cached(this.tokens, hash);
    return hit ? { principal: hit } : this.lookUpToken(hash, scheme);
  }

  private async lookUpToken(hash: string, scheme: string): Promise<AuthOutcome> {
    const token = await this.store.getTokenByHash(hash);
    const now = this.clock();
    if (!token || token.revokedAt !== null || (token.expiresAt !== null && token.expiresAt <= now)) {
      return { failure: "invalid", scheme };
    }
    const user = await this.store.getUser(token.userId);
    if (!user) return { failure: "invalid", scheme };
    if (user.disabled) return { failure: "inactive", scheme };
    const principal = principalOf(user, "token", this.jwtConfig.adminRoles, token.id);
    const until = Math.min(now + TOKEN_CACHE_MS, token.expiresAt ?? Infinity);
    this.remember(this.tokens, hash, { principal, until, userId: user.id, tokenId: token.id });
    return { principal };
  }

  private fromJwt(token: string, scheme: string): AuthOutcome | Promise<AuthOutcome> {
    const hit = this.cached(this.jwts, token);
    if (hit) return { principal: hit };
    return TokenIssuer.claimsOurs(token) ? this.fromOwnToken(token, scheme) : this.verifyJwt(token, scheme);
  }

  /** A JWT of the configured issuer. */
  private async verifyJwt(token: string, scheme: string): Promise<AuthOutcome> {
    try {
      const identity = await this.jwt.verify(token);
      const principal = principalOf({ id: identity.userId, roles: identity.roles }, "jwt", this.jwtConfig.adminRoles);
      const until = Math.min(identity.expiresAt ?? Infinity, this.clock() + 10 * 60_000);
      this.remember(this.jwts, token, { principal, until, userId: identity.userId });
      return { principal };
    } catch {
      return { failure: "invalid", scheme };
    }
  }

  /** An access token this server issued: valid, its user still there, enabled, password unchanged. */
  private async fromOwnToken(token: string, scheme: string): Promise<AuthOutcome> {
    try {
      const claims = await this.issuer.verify(token, "access");
      const user = await this.store.getUser(claims.sub);
      if (!user || claims.rev_sig !== revocationSignature(user)) return { failure: "invalid", scheme };
      if (user.disabled) return { failure: "inactive", scheme };
      const principal = principalOf(user, "jwt", this.jwtConfig.adminRoles);
      const until = Math.min((claims.exp ?? 0) * 1000, this.clock() + 10 * 60_000);
      this.remember(this.jwts, token, { principal, until, userId: user.id });
      return { principal };
    } catch (e) {
      if (e instanceof TokenError) return { failure: "invalid", scheme };
      throw e;
    }
  }

  private basic(encoded: string): AuthOutcome | Promise<AuthOutcome> {
    const key = createHmac("sha256", this.basicKey).update(encoded).digest("hex");
    const hit = this.cached(this.basics, key);
    return hit ? { principal: hit } : this.checkBasic(encoded, key);
  }

  private async checkBasic(encoded: string, key: string): Promise<AuthOutcome> {
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 !== 0) return { failure: "malformed", scheme: "basic" };
    const decoded = Buffer.from(encoded, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon < 0) return { failure: "malformed", scheme: "basic" };
    const result = await this.checkPassword(decoded.slice(0, colon), decoded.slice(colon + 1));
    if (!result.principal) return result;
    this.remember(this.basics, key, { principal: result.principal, until: this.clock() + BASIC_CACHE_MS, userId: result.principal.userId });
    return result;
  }

  /**
   * A user id and password against the stored hash (Basic, login forms). Unknown users
   * and users without a password are checked against a dummy hash, so timing does not
   * reveal which users exist.
   */
  async checkPassword(userId: string, password: string): Promise<AuthOutcome> {
    const user = await this.store.getUser(userId);
    const hash = user?.passwordHash ?? (await dummyPasswordHash());
    const ok = await verifyPassword(password, hash);
    if (!user || !user.passwordHash || !ok) return { failure: "invalid", scheme: "basic" };
    if (user.disabled) return { failure: "inactive", scheme: "basic" };
    return { principal: principalOf(user, "basic", this.jwtConfig.adminRoles) };
  }
}
