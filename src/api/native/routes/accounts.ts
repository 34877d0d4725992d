import { userView } from "../../../auth/users.js";
import type { JsonObject } from "../../../core/types.js";
import type { FamilyContext } from "../../context.js";
import type { NativeApp } from "../index.js";
import { renderToken, renderUser } from "../render.js";
import * as S from "../schemas.js";

const errors = { 400: S.Problem, 401: S.Problem, 403: S.Problem, 404: S.Problem };

/** The caller, API tokens and users. */
export function accountRoutes(app: NativeApp, ctx: FamilyContext): void {
  const { users } = ctx;

  app.get("/me", { schema: { tags: ["accounts"], summary: "The caller", response: { 200: S.Me, 401: S.Problem } } }, async (req) => ({
    userId: req.principal.userId,
    roles: req.principal.roles,
    isAdmin: req.principal.isAdmin,
    method: req.principal.method,
  }));

  app.post("/tokens", { schema: { tags: ["accounts"], summary: "Create an API token; the secret is returned once", body: S.CreateToken, response: { 201: S.IssuedToken, ...errors } } }, async (req, reply) => {
    const issued = await users.createToken(req.principal, req.body);
    return reply.code(201).send({ token: renderToken(issued.token), secret: issued.secret });
  });

  app.get("/tokens", { schema: { tags: ["accounts"], summary: "List API tokens (never their secrets)", querystring: S.TokenListQuery, response: { 200: S.TokenList, ...errors } } }, async (req) => ({
    items: (await users.listTokens(req.principal, req.query.userId)).map(renderToken),
  }));

  app.delete("/tokens/:id", { schema: { tags: ["accounts"], summary: "Revoke an API token", params: S.IdParams, response: { 204: S.Empty, ...errors } } }, async (req, reply) => {
    await users.revokeToken(req.principal, req.params.id);
    return reply.code(204).send(null);
  });

  app.get("/users", { schema: { tags: ["accounts"], summary: "List users (admin)", response: { 200: S.UserList, ...errors } } }, async (req) => ({
    items: (await users.list(req.principal)).map((u) => renderUser(userView(u))),
  }));

  app.post("/users", { schema: { tags: ["accounts"], summary: "Create a user (admin)", body: S.CreateUser, response: { 201: S.User, ...errors, 409: S.Problem } } }, async (req, reply) => {
    const u = await users.create(req.principal, { ...req.body, attributes: req.body.attributes as JsonObject | undefined });
    return reply.code(201).header("location", `/api/v1/users/${encodeURIComponent(u.id)}`).send(renderUser(userView(u)));
  });

  app.get("/users/:id", { schema: { tags: ["accounts"], summary: "One user (admin, or yourself)", params: S.IdParams, response: { 200: S.User, ...errors } } }, async (req) =>
    renderUser(userView(await users.get(req.principal, req.params.id))),
  );

  app.patch("/users/:id", { schema: { tags: ["accounts"], summary: "Change a user (admin)", params: S.IdParams, body: S.PatchUser, response: { 200: S.User, ...errors, 409: S.Problem } } }, async (req) =>
    renderUser(userView(await users.update(req.principal, req.params.id, { ...req.body, attributes: req.body.attributes as JsonObject | undefined }))),
  );

  app.delete("/users/:id", { schema: { tags: ["accounts"], summary: "Delete a user (admin)", params: S.IdParams, response: { 204: S.Empty, ...errors, 409: S.Problem } } }, async (req, reply) => {
    await users.delete(req.principal, req.params.id);
    return reply.code(204).send(null);
  });
}
