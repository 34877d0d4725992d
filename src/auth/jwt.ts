import { createPublicKey, type KeyObject } from "node:crypto";
import { unzipSync } from "node:zlib";
import { type JWTPayload, type JWTVerifyGetKey, createRemoteJWKSet, jwtVerify } from "jose";

export interface JwtConfig {
  /** HS256 shared secret; with none (and no key), every JWT is rejected. */
  secret?: string;
  /** PEM public key (RS256/ES256/EdDSA...), its algorithms listed in `algorithms`. */
  publicKey?: string;
  jwksUrl?: string;
  /** Explicit allow-list; `none` is never accepted. */
  algorithms: string[];
  audience?: string;
  issuer?: string;
  clockToleranceSeconds: number;
  /** Roles that make a caller an administrator. */
  adminRoles: string[];
}

export interface JwtIdentity {
  userId: string;
  roles: string[];
  expiresAt: number | null;
}

const MAX_USER_ID = 255;

function parseProfile(payload: JWTPayload): Record<string, unknown> | null {
  let profile = payload.profile;
  if (profile === undefined || profile === null) return null;
  if (typeof profile === "string") {
    let text = profile;
    if (payload.compression === "zlib") text = unzipSync(Buffer.from(profile, "base64")).toString("utf8");
    profile = JSON.parse(text) as unknown;
  }
  if (typeof profile !== "object" || profile === null || Array.isArray(profile)) throw new Error("profile is not an object");
  return profile as Record<string, unknown>;
}

const stringArray = (v: unknown): string[] | null =>
  Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : null;

/**
 * The identity a verified payload carries: user id from `profile.uid` (profile an object
 * or a JSON string, zlib/gzip-compressed when `compression: "zlib"`), else `uid`, else
 * `sub`; roles from `profile.roles`, else `roles`. Throws when there is no usable id.
 */
export function identityOf(payload: JWTPayload): JwtIdentity {
  if (payload.encryption === true) throw new Error("encrypted payloads are not supported");
  const profile = parseProfile(payload);
  const candidates = [profile?.uid, payload.uid, payload.sub];
  const userId = candidates.find((c) => c !== undefined && c !== null);
  if (typeof userId !== "string" || userId.length === 0 || userId.length > MAX_USER_ID) throw new Error("no user id");
  const roles = stringArray(profile?.roles) ?? stringArray(payload.roles) ?? [];
  return { userId, roles, expiresAt: typeof payload.exp === "number" ? payload.exp * 1000 : null };
}

export class JwtVerifier {
  private readonly key: Uint8Array | KeyObject | JWTVerifyGetKey | null;

  constructor(private readonly config: JwtConfig) {
    if (config.jwksUrl) this.key = createRemoteJWKSet(new URL(config.jwksUrl));
    else if (config.publicKey) this.key = createPublicKey(config.publicKey);
    else if (config.secret) this.key = new TextEncoder().encode(config.secret);
    else this.key = null;
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /** The identity of a valid token; throws on anything else. */
  async verify(token: string): Promise<JwtIdentity> {
    if (!this.key) throw new Error("JWT verification is not configured");
    const algorithms = this.config.algorithms.filter((a) => a.toLowerCase() !== "none");
    const options = {
      algorithms,
      clockTolerance: this.config.clockToleranceSeconds,
      ...(this.config.audience ? { audience: this.config.audience } : {}),
      ...(this.config.issuer ? { issuer: this.config.issuer } : {}),
    };
    const { payload } =
      typeof this.key === "function" ? await jwtVerify(token, this.key, options) : await jwtVerify(token, this.key, options);
    return identityOf(payload);
  }
}

export const looksLikeJwt = (credential: string) => /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(credential);
