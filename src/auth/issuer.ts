import { createHash, createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { type JWK, type JWTPayload, SignJWT, decodeProtectedHeader, jwtVerify } from "jose";
import { isCoreError } from "../core/errors.js";
import type { User } from "../core/types.js";
import type { Store } from "../core/store.js";

/**
 * The tokens sessionhub issues itself (SAS Logon's token endpoint): RS256 JWT access
 * and refresh tokens signed with one key pair that the first node to need it generates
 * and stores, so every node signs and verifies with the same key. A refresh token is
 * valid while its record exists (revoking deletes it) and until it expires; both kinds
 * carry a signature of the user's password hash, so changing a password revokes them.
 */

const KEYS = "auth.keys";
const REFRESH = "auth.refresh-tokens";
/** Live refresh tokens kept per user; older ones are revoked as new ones are issued. */
const MAX_REFRESH_PER_USER = 50;

const generate = promisify(generateKeyPair);

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export interface IssueOptions {
  user: User;
  clientId: string;
  grantType: string;
  scope: string[];
  issuer: string;
  accessSeconds: number;
  /** Refresh token lifetime; 0: none is issued. */
  refreshSeconds: number;
}

export interface IssuedTokens {
  accessToken: string;
  refreshToken: string | null;
  expiresIn: number;
  jti: string;
}

export type TokenKind = "access" | "refresh";

export class TokenError extends Error {}

/** A short signature of what invalidates a user's tokens when it changes. */
export const revocationSignature = (user: Pick<User, "id" | "passwordHash">) =>
  createHash("sha256").update(`${user.id}\n${user.passwordHash ?? ""}`).digest("base64url").slice(0, 16);

const newJti = () => randomBytes(16).toString("hex");

export class TokenIssuer {
  private key: Promise<SigningKey> | null = null;

  constructor(
    private readonly store: Store,
    private readonly clock: () => number,
  ) {}

  /** The signing key: loaded from the store, or generated and stored by the first node to need it. */
  signingKey(): Promise<SigningKey> {
    this.key ??= this.loadKey().catch((e: unknown) => {
      this.key = null;
      throw e;
    });
    return this.key;
  }

  private async loadKey(): Promise<SigningKey> {
    const stored = await this.store.getRecord(KEYS, "signing");
    if (stored) return TokenIssuer.keyOf(String(stored.doc.privateKey));
    const pair = await generate("rsa", { modulusLength: 2048 });
    const pem = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    try {
      await this.store.putRecord({ namespace: KEYS, key: "signing", sessionId: null, doc: { privateKey: pem } }, null, this.clock());
      return TokenIssuer.keyOf(pem);
    } catch (e) {
      // Another node stored its key first: use that one.
      if (!isCoreError(e, "already-exists") && !isCoreError(e, "version-conflict")) throw e;
      const winner = await this.store.getRecord(KEYS, "signing");
      if (!winner) throw e;
      return TokenIssuer.keyOf(String(winner.doc.privateKey));
    }
  }

  private static keyOf(pem: string): SigningKey {
    const privateKey = createPrivateKey(pem);
    const publicKey = createPublicKey(privateKey);
    const der = publicKey.export({ type: "spki", format: "der" });
    return { kid: `sessionhub-${createHash("sha256").update(der).digest("base64url").slice(0, 12)}`, privateKey, publicKey };
  }

  /** The public key as UAA's `/token_keys` lists it. */
  async jwks(): Promise<{ keys: (JWK & { value: string })[] }> {
    const key = await this.signingKey();
    const jwk = key.publicKey.export({ format: "jwk" }) as JWK;
    const value = key.publicKey.export({ type: "spki", format: "pem" }).toString();
    return { keys: [{ kty: "RSA", e: jwk.e, use: "sig", kid: key.kid, alg: "RS256", value, n: jwk.n }] };
  }

  /** Whether a JWT claims to be signed by this issuer's key (its `kid`), without verifying it. */
  static claimsOurs(token: string): boolean {
    try {
      return decodeProtectedHeader(token).kid?.startsWith("sessionhub-") === true;
    } catch {
      return false;
    }
  }

  async issue(o: IssueOptions): Promise<IssuedTokens> {
    const key = await this.signingKey();
    const now = Math.floor(this.clock() / 1000);
    const jti = newJti();
    const claims = {
      user_id: o.user.id,
      user_name: o.user.id,
      origin: "sessionhub",
      client_id: o.clientId,
      cid: o.clientId,
      azp: o.clientId,
      grant_type: o.grantType,
      scope: o.scope,
      rev_sig: revocationSignature(o.user),
      zid: "uaa",
      auth_time: now,
    };
    const sign = (payload: JWTPayload, id: string, seconds: number) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: "RS256", kid: key.kid, typ: "JWT" })
        .setJti(id)
        .setSubject(o.user.id)
        .setIssuer(o.issuer)
        .setAudience([o.clientId, "openid"])
        .setIssuedAt(now)
        .setExpirationTime(now + seconds)
        .sign(key.privateKey);
    const accessToken = await sign(claims, jti, o.accessSeconds);
    let refreshToken: string | null = null;
    if (o.refreshSeconds > 0) {
      const refreshJti = `${jti}-r`;
      const expiresAt = (now + o.refreshSeconds) * 1000;
      await this.keepRefresh(o.user.id, refreshJti, o.clientId, expiresAt);
      refreshToken = await sign(claims, refreshJti, o.refreshSeconds);
    }
    return { accessToken, refreshToken, expiresIn: o.accessSeconds, jti };
  }

  private async keepRefresh(userId: string, jti: string, clientId: string, expiresAt: number): Promise<void> {
    const now = this.clock();
    const live = (await this.store.listRecords(REFRESH, { prefix: `${userId}/`, limit: MAX_REFRESH_PER_USER * 2 }))
      .filter((r) => {
        if (Number(r.doc.expiresAt) > now) return true;
        void this.store.deleteRecord(REFRESH, r.key);
        return false;
      })
      .sort((a, b) => a.createdAt - b.createdAt);
    for (const old of live.slice(0, Math.max(0, live.length - MAX_REFRESH_PER_USER + 1))) await this.store.deleteRecord(REFRESH, old.key);
    await this.store.putRecord({ namespace: REFRESH, key: `${userId}/${jti}`, sessionId: null, doc: { clientId, expiresAt } }, undefined, now);
  }

  /**
   * The claims of a valid token of this issuer and kind; throws TokenError otherwise. A
   * refresh token must also still be on record.
   */
  async verify(token: string, kind: TokenKind): Promise<JWTPayload & { sub: string; jti: string; cid?: string; rev_sig?: string }> {
    const key = await this.signingKey();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, key.publicKey, { algorithms: ["RS256"], currentDate: new Date(this.clock()) }));
    } catch (e) {
      throw new TokenError(e instanceof Error && /exp/.test(e.message) ? "The token has expired." : "The token is not valid.");
    }
    const { sub, jti } = payload;
    if (typeof sub !== "string" || typeof jti !== "string" || jti.endsWith("-r") !== (kind === "refresh")) throw new TokenError("The token is not valid.");
    if (kind === "refresh" && !(await this.store.getRecord(REFRESH, `${sub}/${jti}`))) throw new TokenError("The refresh token has been revoked.");
    return payload as JWTPayload & { sub: string; jti: string };
  }

  /** Revokes one refresh token of a user; false when there is none by that id. */
  revoke(userId: string, jti: string): Promise<boolean> {
    return this.store.deleteRecord(REFRESH, `${userId}/${jti.endsWith("-r") ? jti : `${jti}-r`}`);
  }

  /** Revokes every refresh token of a user; how many there were. */
  async revokeAll(userId: string): Promise<number> {
    let count = 0;
    for (;;) {
      const page = await this.store.listRecords(REFRESH, { prefix: `${userId}/`, limit: 500 });
      for (const r of page) if (await this.store.deleteRecord(REFRESH, r.key)) count += 1;
      if (page.length < 500) return count;
    }
  }
}
