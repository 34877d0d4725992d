import { CoreError, forbidden, invalid, isCoreError, notFound } from "../core/errors.js";
import type { EventBus, EventDraft } from "../core/events.js";
import { newApiToken, uuidv7 } from "../core/ids.js";
import { checkDepth } from "../core/json-depth.js";
import { digest, hashPassword } from "../core/secrets.js";
import type { ApiToken, JsonObject, Principal, User } from "../core/types.js";
import type { Store } from "../core/store.js";

export interface UserInput {
  id: string;
  roles?: string[];
  password?: string | null;
  deviceId?: string | null;
  clientType?: string | null;
  attributes?: JsonObject;
  disabled?: boolean;
}

export type UserUpdate = Partial<Omit<UserInput, "id">>;

/** A token as it may be shown: never the hash. */
export type TokenView = Omit<ApiToken, "hash">;

export interface IssuedToken {
  token: TokenView;
  /** The secret, shown once. */
  secret: string;
}

const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@+-]{0,254}$/;
const ROLE = /^[a-z][a-z0-9_-]{0,31}$/;

export const tokenView = ({ hash: _hash, ...view }: ApiToken): TokenView => view;

/** User records without their password hash, for responses. */
export type UserView = Omit<User, "passwordHash"> & { hasPassword: boolean };
export const userView = ({ passwordHash, ...rest }: User): UserView => ({ ...rest, hasPassword: passwordHash !== null });

/** A device registration: a device id, what to store with a new user, and how to name one. */
export interface DeviceRegistration {
  deviceId: string;
  clientType: string | null;
  /** Attributes of a user created now; an existing user keeps its own. */
  attributes?: JsonObject;
  /** The id of a new user; `attempt` counts from 1 and grows when an id is taken. */
  newId(attempt: number): string;
  /** false: only existing device users get a token. */
  allowCreate: boolean;
  issuer: string;
}

/**
 * A device user is an anonymous account identified by its device id alone: no roles,
 * no password, not disabled. Only such accounts may be handed a token for a device id,
 * since anyone who presents the device id gets one.
 */
export const isDeviceUser = (u: User): boolean => u.deviceId !== null && u.roles.length === 0 && u.passwordHash === null && !u.disabled;

/** The administrator the first start makes. */
const ADMIN = { id: "admin", roles: ["admin"], passwordHash: null, deviceId: null, clientType: null, attributes: {}, disabled: false };

const userEvent = (userId: string): EventDraft => ({ type: "user.changed", sessionId: null, serviceId: null, data: { userId }, access: null });

/**
 * Users and their API tokens. Tokens are stored as SHA-256 digests only; the secret is
 * returned once, at issue. Changes announce themselves as events so that every node
 * drops what it cached about the user or token.
 */
export class Users {
  /** Users by id, for the per-request lookups of families; dropped on user events from any node. */
  private readonly cache = new Map<string, User>();

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly clock: () => number,
    /** How deep a user's attributes may nest. */
    private readonly jsonDepth: number,
  ) {
    bus.subscribe((events) => {
      for (const e of events) if (e.type === "user.changed") this.cache.delete(String(e.data.userId));
    });
  }

  private async announce(events: EventDraft[]): Promise<void> {
    this.bus.publish(await this.store.insertEvents(events));
  }

  private validate(input: UserUpdate & { id?: string }): void {
    if (input.id !== undefined && !USER_ID.test(input.id)) {
      throw invalid("A user id is 1–255 characters: letters, digits, '.', '_', '@', '+' or '-'.", [{ pointer: "/id", detail: "not a valid user id" }]);
    }
    if (input.roles && !input.roles.every((r) => ROLE.test(r))) {
      throw invalid("Roles are lower-case words.", [{ pointer: "/roles", detail: "not a valid role" }]);
    }
    if (typeof input.password === "string" && (input.password.length < 1 || input.password.length > 1024)) {
      throw invalid("A password is 1–1024 characters.", [{ pointer: "/password", detail: "1–1024 characters" }]);
    }
    if (input.attributes !== undefined) checkDepth(input.attributes, this.jsonDepth, "/attributes");
  }

  async create(p: Principal, input: UserInput): Promise<User> {
    if (!p.isAdmin) throw forbidden("Only administrators create users.");
    this.validate(input);
    const user = await this.store.insertUser(
      {
        id: input.id,
        roles: [...new Set(input.roles ?? [])],
        passwordHash: input.password ? await hashPassword(input.password) : null,
        deviceId: input.deviceId ?? null,
        clientType: input.clientType ?? null,
        attributes: input.attributes ?? {},
        disabled: input.disabled ?? false,
      },
      this.clock(),
    );
    await this.announce([userEvent(user.id)]);
    return user;
  }

  async get(p: Principal, id: string): Promise<User> {
    if (!p.isAdmin && p.userId !== id) throw notFound("user");
    const user = await this.store.getUser(id);
    if (!user) throw notFound("user");
    return user;
  }

  /** Without an access check, for authenticators and families' own lookups. */
  async find(id: string): Promise<User | null> {
    const hit = this.cache.get(id);
    if (hit) return hit;
    const user = await this.store.getUser(id);
    if (user) {
      if (this.cache.size >= 10_000) this.cache.clear();
      this.cache.set(id, user);
    }
    return user;
  }

  findByNumber(number: number): Promise<User | null> {
    return this.store.getUserByNumber(number);
  }

  findByDeviceId(deviceId: string): Promise<User | null> {
    return this.store.getUserByDeviceId(deviceId);
  }

  /** The users who can log in with a password, without an access check: for families' own listings. */
  passwordUsers(): Promise<User[]> {
    return this.store.listPasswordUsers();
  }

  async list(p: Principal): Promise<User[]> {
    if (!p.isAdmin) throw forbidden("Only administrators list users.");
    return this.store.listUsers();
  }

  async update(p: Principal, id: string, patch: UserUpdate): Promise<User> {
    if (!p.isAdmin) throw forbidden("Only administrators change users.");
    this.validate(patch);
    const { password, ...given } = patch;
    const rest = Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) as Omit<UserUpdate, "password">;
    const passwordHash = password === undefined ? undefined : password === null ? null : await hashPassword(password);
    const user = await this.store.updateUser(
      id,
      { ...rest, ...(passwordHash !== undefined ? { passwordHash } : {}), ...(rest.roles ? { roles: [...new Set(rest.roles)] } : {}) },
      this.clock(),
    );
    if (!user) throw notFound("user");
    await this.announce([userEvent(id)]);
    return user;
  }

  async delete(p: Principal, id: string): Promise<void> {
    if (!p.isAdmin) throw forbidden("Only administrators delete users.");
    if (id === p.userId) throw new CoreError("conflict", "You cannot delete yourself.");
    if (!(await this.store.deleteUser(id))) throw notFound("user");
    await this.announce([userEvent(id)]);
  }

  /**
   * Find or register the user of a device id, and issue a token for it. The store's
   * unique device id makes concurrent first calls (on any number of nodes) create one
   * user: a losing insert finds the winner on its next lookup. A device id held by an
   * account that is not a device user is refused (`forbidden`), as is a new device when
   * `allowCreate` is false.
   */
  async registerDevice(reg: DeviceRegistration): Promise<{ user: User; created: boolean; issued: IssuedToken }> {
    for (let attempt = 1; attempt <= 20; attempt += 1) {
      const existing = await this.store.getUserByDeviceId(reg.deviceId);
      if (existing) {
        if (!isDeviceUser(existing)) throw forbidden("This device id belongs to an account that is not a device account.");
        return { user: existing, created: false, issued: await this.issueToken(existing.id, { name: "device", issuer: reg.issuer }) };
      }
      if (!reg.allowCreate) throw forbidden("Registration of new devices is switched off.");
      const id = reg.newId(attempt);
      this.validate({ id, attributes: reg.attributes });
      try {
        const user = await this.store.insertUser(
          {
            id,
            roles: [],
            passwordHash: null,
            deviceId: reg.deviceId,
            clientType: reg.clientType,
            attributes: reg.attributes ?? {},
            disabled: false,
          },
          this.clock(),
        );
        await this.announce([userEvent(user.id)]);
        return { user, created: true, issued: await this.issueToken(user.id, { name: "device", issuer: reg.issuer }) };
      } catch (e) {
        // Another request registered this device first (the next lookup finds it), or the
        // generated id is taken (the next attempt names another).
        if (!isCoreError(e, "already-exists")) throw e;
      }
    }
    throw new CoreError("conflict", "The device could not be registered; try again.");
  }

  // Tokens -------------------------------------------------------------------

  /** Issues a token for a user without an access check (bootstrap, device registration, login). */
  async issueToken(
    userId: string,
    opts: { name?: string | null; issuer: string; expiresAt?: number | null; secret?: string },
  ): Promise<IssuedToken> {
    const secret = opts.secret ?? newApiToken();
    const token = this.newToken(userId, secret, opts);
    await this.store.insertToken(token);
    return { token: tokenView(token), secret };
  }

  private newToken(userId: string, secret: string, opts: { name?: string | null; issuer: string; expiresAt?: number | null }): ApiToken {
    return {
      id: uuidv7(),
      userId,
      name: opts.name ?? null,
      issuer: opts.issuer,
      hash: digest(secret),
      createdAt: this.clock(),
      expiresAt: opts.expiresAt ?? null,
      revokedAt: null,
    };
  }

  async createToken(
    p: Principal,
    input: { userId?: string; name?: string | null; expiresInSeconds?: number | null; issuer?: string },
  ): Promise<IssuedToken> {
    const userId = input.userId ?? p.userId;
    if (userId !== p.userId && !p.isAdmin) throw forbidden("Only administrators create tokens for others.");
    if (!(await this.store.getUser(userId))) throw notFound("user");
    const expiresAt = input.expiresInSeconds ? this.clock() + input.expiresInSeconds * 1000 : null;
    return this.issueToken(userId, { name: input.name ?? null, issuer: input.issuer ?? "native", expiresAt });
  }

  async listTokens(p: Principal, userId?: string): Promise<TokenView[]> {
    if (userId !== undefined && userId !== p.userId && !p.isAdmin) throw forbidden("Only administrators list others' tokens.");
    const tokens = await this.store.listTokens(p.isAdmin ? userId : p.userId);
    return tokens.map(tokenView);
  }

  async revokeToken(p: Principal, id: string): Promise<TokenView> {
    const target = await this.store.getToken(id);
    // Another user's token is as unknown to a non-administrator as a missing one.
    if (!target || (!p.isAdmin && target.userId !== p.userId)) throw notFound("token");
    const revoked = await this.store.revokeToken(id, this.clock());
    if (!revoked) throw notFound("token");
    await this.announce([
      { type: "token.revoked", sessionId: null, serviceId: null, data: { tokenId: id, userId: revoked.userId }, access: null },
    ]);
    return tokenView(revoked);
  }

  /**
   * First start: an empty database gets user `admin` and one admin token — the given
   * one (automation) or a new one, returned so the caller can print it once. A given
   * token that is not yet known is also added on later starts.
   *
   * Nodes may start at once over one database: the user and its first token are one
   * insert, which exactly one node wins (the others find the user taken), and a given
   * token is added only if no token has its hash, so each exists once.
   */
  async bootstrap(givenToken?: string): Promise<{ secret: string | null; created: boolean }> {
    if ((await this.store.countUsers()) === 0) {
      const secret = givenToken ?? newApiToken();
      try {
        await this.store.insertUser(ADMIN, this.clock(), this.newToken(ADMIN.id, secret, { name: "bootstrap", issuer: "bootstrap" }));
        return { secret: givenToken ? null : secret, created: true };
      } catch (e) {
        // Another node made the first user at the same moment.
        if (!isCoreError(e, "already-exists")) throw e;
      }
    }
    if (givenToken && !(await this.store.getTokenByHash(digest(givenToken)))) {
      try {
        await this.store.insertUser(ADMIN, this.clock());
      } catch (e) {
        if (!isCoreError(e, "already-exists")) throw e;
      }
      await this.store.insertTokenIfNew(this.newToken(ADMIN.id, givenToken, { name: "SESSIONHUB_ADMIN_TOKEN", issuer: "bootstrap" }));
    }
    return { secret: null, created: false };
  }
}
