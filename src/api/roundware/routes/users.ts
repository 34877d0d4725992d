import type { FastifyInstance } from "fastify";
import { type Body, has, readBody } from "../body.js";
import { roundwareConfig } from "../config.js";
import type { Roundware } from "../context.js";
import { type FieldErrors, RoundwareError, failIfAny, notFound, throttled } from "../errors.js";
import { charField, pathId } from "../fields.js";
import { ATTRIBUTES, renderUser, renderUserWithToken } from "../render.js";
import { sendJson } from "../reply.js";
import { param } from "../session-query.js";

const PROFILE = ["first_name", "last_name", "email"] as const;

/** The original's user names: Unix seconds, then the device id's last four letters or digits. */
function username(now: number, deviceId: string, attempt: number): string {
  const tail = deviceId.replace(/[^A-Za-z0-9]/g, "").slice(-4);
  return `${Math.floor(now / 1000)}${tail}${attempt > 1 ? `-${attempt}` : ""}`;
}

interface Registration {
  deviceId: string;
  clientType: string;
  profile: Record<string, string>;
}

/** R1's body: field problems first, then the missing-field rule of the original. */
function registration(body: Body): Registration {
  const errors: FieldErrors = {};
  const values: Record<string, string> = {};
  for (const key of ["device_id", "client_type", ...PROFILE]) {
    if (!has(body, key)) continue;
    const required = key === "device_id" || key === "client_type";
    const checked = charField(body[key], { allowBlank: !required, maxLength: 255 });
    if (checked.error) errors[key] = [checked.error];
    else values[key] = checked.value!;
  }
  failIfAny(errors);
  if (values.device_id === undefined || values.client_type === undefined) {
    throw new RoundwareError(400, { non_field_errors: ["Invalid user request"] });
  }
  const profile = Object.fromEntries(PROFILE.filter((k) => values[k] !== undefined).map((k) => [k, values[k]!]));
  return { deviceId: values.device_id, clientType: values.client_type, profile };
}

export function userRoutes(app: FastifyInstance, rw: Roundware): void {
  const { users, hub, config } = rw.ctx;

  // R1 ignores any Authorization header, so a stale token never locks a device out.
  app.post("/users", async (req, reply) => {
    const wait = rw.registrations.blocked(req.ip);
    if (wait !== null) throw throttled(wait);
    rw.registrations.hit(req.ip);
    const r = registration(readBody(req, ["json", "form", "multipart"]));
    const { user, issued } = await users.registerDevice({
      deviceId: r.deviceId,
      clientType: r.clientType,
      attributes: Object.keys(r.profile).length > 0 ? { [ATTRIBUTES]: r.profile } : {},
      newId: (attempt) => username(hub.clock(), r.deviceId, attempt),
      allowCreate: roundwareConfig(config).allowDeviceRegistration,
      issuer: "roundware",
    });
    return sendJson(reply, renderUserWithToken(user, issued.secret));
  });

  app.get("/users", async (req, reply) => {
    const p = req.principal;
    if (!p.isAdmin) {
      const self = await users.find(p.userId);
      return sendJson(reply, self ? [renderUser(self)] : []);
    }
    const all = ["true", "1"].includes(param(req.query as Record<string, string>, "all")?.toLowerCase() ?? "");
    return sendJson(reply, (await users.list(p)).filter((u) => all || u.deviceId !== null).map(renderUser));
  });

  app.get<{ Params: { id: string } }>("/users/:id", async (req, reply) => {
    const number = pathId(req.params.id);
    const found = number === null ? null : await users.findByNumber(number);
    if (!found) throw notFound();
    // Who may read which user is the core's rule (admins, or yourself; else not-found).
    return sendJson(reply, renderUser(await users.get(req.principal, found.id)));
  });
}
