import type { Store } from "./store.js";
import { CoreError, type FieldError, forbidden, invalid, notFound } from "./errors.js";
import type { EventBus, EventDraft } from "./events.js";
import { checkDepth } from "./json-depth.js";
import { BUILT_IN_SERVICE_NUMBERS, type JsonObject, type Principal, SYSTEM_PRINCIPAL, type Service } from "./types.js";

export interface ServiceInput {
  id: string;
  kind?: string;
  name?: string;
  description?: string | null;
  settings?: JsonObject;
  defaultInactiveTimeoutSeconds?: number;
  /** Administrators may choose the number (Roundware project ids); taken → already-exists. */
  number?: number;
}

export type ServiceUpdate = Partial<Pick<Service, "name" | "description" | "settings" | "defaultInactiveTimeoutSeconds">>;

/** A family's rules for the settings of the services it manages. */
export interface ServiceKind {
  kind: string;
  /** Field errors (pointers under /settings) for settings this kind cannot accept. */
  validateSettings?(settings: JsonObject): FieldError[] | Promise<FieldError[]>;
  /** Default inactivity timeout of a new service of this kind. */
  defaultInactiveTimeoutSeconds?: number;
}

const SERVICE_ID = /^[a-z0-9](?:[a-z0-9._-]{0,62}[a-z0-9])?$/;

function serviceEvent(type: EventDraft["type"], s: Service): EventDraft {
  return { type, sessionId: null, serviceId: s.id, data: { service: s as unknown as JsonObject }, access: null };
}

/**
 * Services and the kinds families register. Services change rarely and are read on
 * every create, so they are cached and the cache is refreshed from service events,
 * which reach every node.
 */
export class ServiceDirectory {
  private readonly kinds = new Map<string, ServiceKind>([["generic", { kind: "generic" }]]);
  private readonly cache = new Map<string, Service>();
  private readonly idByNumber = new Map<number, string>();
  /** The services of each kind asked for (families list theirs per request); dropped on any service event. */
  private readonly byKind = new Map<string, Service[]>();
  private changes = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: EventBus,
    private readonly clock: () => number,
    private readonly defaultTimeoutSeconds: number,
    private readonly jsonDepth: number,
  ) {
    bus.subscribe((events) => {
      for (const e of events) {
        if (!e.type.startsWith("service.")) continue;
        if (e.serviceId) this.cache.delete(e.serviceId);
        this.byKind.clear();
        this.changes += 1;
      }
    });
  }

  registerKind(kind: ServiceKind): void {
    this.kinds.set(kind.kind, kind);
  }

  knownKinds(): string[] {
    return [...this.kinds.keys()];
  }

  async get(ref: string | number): Promise<Service | null> {
    const hit = this.cache.get(typeof ref === "string" ? ref : (this.idByNumber.get(ref) ?? ""));
    // A number can pass to a new service after a delete: a hit must still carry it.
    if (hit && (typeof ref === "string" || hit.number === ref)) return hit;
    const s = await this.store.getService(ref);
    if (s) {
      this.cache.set(s.id, s);
      this.idByNumber.set(s.number, s.id);
    }
    return s;
  }

  async list(): Promise<Service[]> {
    return this.store.listServices();
  }

  /** The services of one kind, in number order, from the cache; the caller must not change the array. */
  async ofKind(kind: string): Promise<readonly Service[]> {
    const hit = this.byKind.get(kind);
    if (hit) return hit;
    const before = this.changes;
    const services = (await this.store.listServices()).filter((s) => s.kind === kind).sort((a, b) => a.number - b.number);
    // A change that landed while the list was read may be missing from it: do not keep it.
    if (this.changes === before) this.byKind.set(kind, services);
    return services;
  }

  private async validate(kind: string, settings: JsonObject, timeout: number | undefined): Promise<void> {
    checkDepth(settings, this.jsonDepth, "/settings");
    const rules = this.kinds.get(kind);
    if (!rules) throw invalid(`Unknown service kind ${kind}.`, [{ pointer: "/kind", detail: `one of ${this.knownKinds().join(", ")}` }]);
    if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 0)) {
      throw invalid("defaultInactiveTimeoutSeconds must be an integer ≥ 0.", [
        { pointer: "/defaultInactiveTimeoutSeconds", detail: "must be an integer ≥ 0" },
      ]);
    }
    const errors = (await rules.validateSettings?.(settings)) ?? [];
    if (errors.length > 0) throw invalid("The settings are not valid for this kind of service.", errors);
  }

  async create(p: Principal, input: ServiceInput): Promise<Service> {
    if (!p.isAdmin) throw forbidden("Only administrators create services.");
    if (!SERVICE_ID.test(input.id)) {
      throw invalid("A service id is 1–64 lower-case letters, digits, '.', '_' or '-'.", [{ pointer: "/id", detail: "not a valid id" }]);
    }
    if (input.number !== undefined && (!Number.isSafeInteger(input.number) || input.number < 1)) {
      throw invalid("number must be a positive integer.", [{ pointer: "/number", detail: "must be a positive integer" }]);
    }
    const kind = input.kind ?? "generic";
    const settings = input.settings ?? {};
    await this.validate(kind, settings, input.defaultInactiveTimeoutSeconds);
    const result = await this.store.insertService(
      {
        id: input.id,
        number: input.number,
        kind,
        name: input.name ?? input.id,
        description: input.description ?? null,
        settings,
        defaultInactiveTimeoutSeconds:
          input.defaultInactiveTimeoutSeconds ?? this.kinds.get(kind)?.defaultInactiveTimeoutSeconds ?? this.defaultTimeoutSeconds,
      },
      (created) => [serviceEvent("service.created", created)],
      this.clock(),
    ).catch((e: unknown) => {
      if (e instanceof CoreError && e.kind === "already-exists") {
        throw new CoreError("already-exists", `A service with id ${input.id}${input.number ? ` or number ${input.number}` : ""} exists.`);
      }
      throw e;
    });
    this.bus.publish(result.events);
    return result.service;
  }

  /**
   * Creates the service unless it exists; for families' built-in services at start. Unless
   * the input names a number, it takes the lowest free one from BUILT_IN_SERVICE_NUMBERS up.
   */
  async ensure(input: ServiceInput): Promise<Service> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const existing = await this.get(input.id);
      if (existing) return existing;
      const taken = new Set((await this.list()).map((s) => s.number));
      let number = BUILT_IN_SERVICE_NUMBERS;
      while (taken.has(number)) number += 1;
      try {
        return await this.create(SYSTEM_PRINCIPAL, { ...input, number: input.number ?? number });
      } catch (e) {
        // Another node made it, or took that number first: look again.
        if (!(e instanceof CoreError && e.kind === "already-exists")) throw e;
      }
    }
    throw new CoreError("conflict", `The service ${input.id} could not be made.`);
  }

  async update(p: Principal, id: string, patch: ServiceUpdate, expectedVersion: number | null = null): Promise<Service> {
    if (!p.isAdmin) throw forbidden("Only administrators change services.");
    const current = await this.store.getService(id);
    if (!current) throw notFound("service");
    await this.validate(current.kind, patch.settings ?? current.settings, patch.defaultInactiveTimeoutSeconds);
    const result = await this.store.updateService(
      id,
      expectedVersion,
      patch,
      (next) => [serviceEvent("service.updated", next)],
      this.clock(),
    );
    if (!result) throw notFound("service");
    this.cache.delete(id);
    if (patch.defaultInactiveTimeoutSeconds !== undefined && patch.defaultInactiveTimeoutSeconds !== current.defaultInactiveTimeoutSeconds) {
      await this.store.applyServiceTimeout(id, patch.defaultInactiveTimeoutSeconds);
    }
    this.bus.publish(result.events);
    return result.service;
  }

  async delete(p: Principal, id: string, force: boolean): Promise<void> {
    if (!p.isAdmin) throw forbidden("Only administrators delete services.");
    const current = await this.store.getService(id);
    if (!current) throw notFound("service");
    const result = await this.store.deleteService(id, force, [serviceEvent("service.deleted", current)]);
    if (!result.deleted && result.liveSessions > 0) {
      throw new CoreError("conflict", `The service has ${result.liveSessions} live sessions; use force to delete it anyway.`);
    }
    this.cache.delete(id);
    this.bus.publish(result.events);
  }
}
