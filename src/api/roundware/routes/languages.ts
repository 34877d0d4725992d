import type { FastifyInstance } from "fastify";
import { MAX_INT32 } from "../../../core/bounds.js";
import { type Body, has, readBody } from "../body.js";
import type { Roundware } from "../context.js";
import { type FieldErrors, RoundwareError, failIfAny, notFound, permissionDenied, validation } from "../errors.js";
import { MESSAGES, charField, codePoints, pathId } from "../fields.js";
import { type Language, LanguageRefused } from "../languages.js";
import { languageIds } from "../projects.js";
import { renderLanguage } from "../render.js";
import { sendJson } from "../reply.js";
import { type Query, param } from "../session-query.js";

interface LanguageFields {
  id?: number;
  name?: string;
  language_code?: string;
}

/** R8 and R9 bodies; `creating` makes the code required and allows choosing the id. */
function languageFields(body: Body, creating: boolean): LanguageFields {
  const errors: FieldErrors = {};
  const out: LanguageFields = {};
  if (creating && has(body, "id")) {
    const id = typeof body.id === "string" && /^\s*[0-9]+\s*$/.test(body.id) ? Number(body.id) : body.id;
    if (typeof id !== "number" || !Number.isSafeInteger(id)) errors.id = ["A valid integer is required."];
    else if (id < 1) errors.id = ["Ensure this value is greater than or equal to 1."];
    else if (id > MAX_INT32) errors.id = [`Ensure this value is less than or equal to ${MAX_INT32}.`];
    else out.id = id;
  }
  if (has(body, "name")) {
    const name = charField(body.name, { maxLength: 20 });
    if (name.error) errors.name = [name.error];
    else out.name = name.value!;
  }
  if (has(body, "language_code")) {
    const code = charField(body.language_code);
    if (code.error) errors.language_code = [code.error];
    else if (codePoints(code.value!) !== 2) errors.language_code = ["language_code not 2 characters"];
    else out.language_code = code.value!;
  } else if (creating) {
    errors.language_code = [MESSAGES.required];
  }
  failIfAny(errors);
  return out;
}

/** A refused write as the original words it. */
async function refusals<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!(e instanceof LanguageRefused)) throw e;
    switch (e.reason) {
      case "code-taken":
        throw validation({ language_code: ["language_code already exists in database"] });
      case "id-taken":
        throw validation({ id: ["A language with this id already exists."] });
      case "not-found":
        throw notFound();
      case "in-use":
        throw new RoundwareError(409, { detail: "Language is in use and cannot be deleted." });
    }
  }
}

export function languageRoutes(app: FastifyInstance, rw: Roundware): void {
  const { languages } = rw;

  app.get("/languages", async (req, reply) => {
    const query = req.query as Query;
    const code = param(query, "language_code")?.toLowerCase();
    const name = param(query, "name")?.toLowerCase();
    const matches = (l: Language) =>
      (code === undefined || l.language_code.toLowerCase().includes(code)) && (name === undefined || l.name.toLowerCase().includes(name));
    return sendJson(reply, (await languages.list()).filter(matches).map(renderLanguage));
  });

  app.get<{ Params: { id: string } }>("/languages/:id", async (req, reply) => {
    const id = pathId(req.params.id);
    const language = id === null ? null : await languages.get(id);
    if (!language) throw notFound();
    return sendJson(reply, renderLanguage(language));
  });

  app.post("/languages", async (req, reply) => {
    if (!req.principal.isAdmin) throw permissionDenied();
    const fields = languageFields(readBody(req, ["json", "form"]), true);
    const created = await refusals(() => languages.create({ name: fields.name ?? "", language_code: fields.language_code!, ...(fields.id !== undefined ? { id: fields.id } : {}) }));
    return sendJson(reply, renderLanguage(created));
  });

  app.patch<{ Params: { id: string } }>("/languages/:id", async (req, reply) => {
    if (!req.principal.isAdmin) throw permissionDenied();
    const id = pathId(req.params.id);
    if (id === null || !(await languages.get(id))) throw notFound();
    const { id: _ignored, ...change } = languageFields(readBody(req, ["json", "form"]), false);
    return sendJson(reply, renderLanguage(await refusals(() => languages.update(id, change))));
  });

  app.delete<{ Params: { id: string } }>("/languages/:id", async (req, reply) => {
    if (!req.principal.isAdmin) throw permissionDenied();
    const id = pathId(req.params.id);
    if (id === null) throw notFound();
    const inUse = async (languageId: number) => (await rw.projects()).some((p) => languageIds(p).includes(languageId));
    await refusals(() => languages.delete(id, inUse));
    return reply.code(204).send();
  });
}
