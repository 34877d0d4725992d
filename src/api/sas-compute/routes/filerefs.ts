import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isCoreError } from "../../../core/errors.js";
import type { Scalar } from "../../../core/query.js";
import type { Session } from "../../../core/types.js";
import { NAME } from "../../../compute/job-context.js";
import { type FileInfo, type Fileref, type SessionData, areaPath } from "../../../compute/session-data.js";
import { WorkAreaError } from "../../../compute/types.js";
import { select, sessionCollection } from "../collection.js";
import { SasError, badRequest, invalidBody, notFound, stale } from "../errors.js";
import type { Fields } from "../filter.js";
import { type Kit, type Params, requireIfMatch } from "../kit.js";
import { T, negotiate, sendJson, wantsText } from "../media.js";
import { resource } from "../plugin.js";
import { fileref, filerefHref, filerefSummary } from "../render.js";

const FIELDS: Fields = { id: { kind: "string" }, name: { kind: "string" }, accessMethod: { kind: "string" } };
const MAX_PATH = 1024;

const field = (f: Fileref, key: string): Scalar => (key === "accessMethod" ? f.accessMethod : f.name);
const quoted = (tag: string) => `"${tag}"`;

interface Loaded {
  s: Session;
  data: SessionData;
  ref: Fileref;
}

async function area(kit: Kit, s: Session): Promise<SessionData> {
  return kit.compute.data(s.id, await kit.compute.limitsOfSession(s));
}

async function load(kit: Kit, req: FastifyRequest, opts: { change?: boolean } = {}): Promise<Loaded> {
  const s = await kit.session(req);
  if (opts.change) kit.changeable(req, s);
  const data = await area(kit, s);
  const name = ((req.params as Params).ref ?? "").toUpperCase();
  const ref = NAME.test(name) ? await data.fileref(name) : null;
  if (!ref) throw notFound(`Fileref ${name} is not assigned.`);
  return { s, data, ref };
}

async function sendFileref(req: FastifyRequest, reply: FastifyReply, l: Loaded, status: number) {
  const form = negotiate(req, T.fileref);
  const file = await l.data.fileInfo(l.ref.path);
  reply.header("etag", quoted(l.data.tagOf(l.ref, file)));
  return sendJson(reply, status, T.fileref, form, fileref(l.s, l.ref, file));
}

/** Writes an upload into the fileref's file; 413 past the work-area cap, the file unchanged. */
async function store(l: Loaded, body: unknown, mode: "replace" | "append", guard?: (file: FileInfo | null) => void): Promise<FileInfo> {
  const bytes = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
  try {
    return await l.data.write(l.ref.path, bytes, mode, guard);
  } catch (e) {
    if (e instanceof WorkAreaError && e.kind === "cap") throw new SasError(413, 9413, e.message);
    throw e;
  }
}

export function filerefRoutes(app: FastifyInstance, kit: Kit): void {
  const uploadLimit = kit.limits.workAreaBytes;

  resource(app, "/sessions/:sid/filerefs", {
    GET: async (req, reply) => {
      const form = negotiate(req, T.collection);
      const s = await kit.session(req);
      const refs = await (await area(kit, s)).filerefs();
      const page = select(kit, req, refs, FIELDS, field, { defaultSort: "name", defaultLimit: 10 });
      const body = sessionCollection(req, s, "filerefs", T.filerefSummary, page, page.items.map((f) => filerefSummary(s, f)));
      return sendJson(reply, 200, T.collection, form, body);
    },
    POST: async (req, reply) => {
      negotiate(req, T.fileref);
      const s = await kit.session(req);
      kit.changeable(req, s);
      const body = kit.json(req);
      if (body === undefined || body === null) throw badRequest(5009, "The request needs a body.");
      if (typeof body !== "object" || Array.isArray(body)) throw invalidBody("it must be a JSON object.");
      const { name, path, accessMethod } = body as Record<string, unknown>;
      if (typeof name !== "string" || !NAME.test(name)) throw invalidBody("name must match [A-Za-z_][A-Za-z0-9_]{0,31}.");
      const method = accessMethod === undefined || accessMethod === null ? "DISK" : String(accessMethod).toUpperCase();
      if (method !== "DISK" && method !== "TEMP") throw badRequest(5106, `Unsupported access method: ${String(accessMethod)}`);
      if (path !== undefined && path !== null && typeof path !== "string") throw badRequest(5106, `Invalid path: ${String(path)}`);
      const given = typeof path === "string" ? path : null;
      if (method === "DISK" && given === null) throw badRequest(5106, "Invalid path: ");
      if (given !== null && (given.length > MAX_PATH || areaPath(given) === null)) throw badRequest(5106, `Invalid path: ${given}`);
      const data = await area(kit, s);
      await data.assign(name, given, method);
      const ref = (await data.fileref(name))!;
      reply.header("location", filerefHref(s, ref.name));
      return sendFileref(req, reply, { s, data, ref }, 201);
    },
  });

  resource(app, "/sessions/:sid/filerefs/:ref", {
    GET: async (req, reply) => sendFileref(req, reply, await load(kit, req), 200),
    DELETE: async (req, reply) => {
      const l = await load(kit, req, { change: true });
      await l.data.deassign(l.ref.name);
      return reply.code(204).send();
    },
  });

  resource(
    app,
    "/sessions/:sid/filerefs/:ref/content",
    {
      // The bytes; text/plain when Accept's first range asks for it. Never 406.
      GET: async (req, reply) => {
        const l = await load(kit, req);
        const file = await l.data.file(l.ref.path);
        if (file === null) throw notFound(`The file of fileref ${l.ref.name} does not exist.`);
        reply.header("etag", quoted(l.data.tagOf(l.ref, file.info)));
        return reply
          .code(200)
          .header("content-type", wantsText(req) ? "text/plain;charset=utf-8" : "application/octet-stream")
          .send(Buffer.from(file.content));
      },
      PUT: async (req, reply) => {
        const l = await load(kit, req, { change: true });
        // If-Match is checked on the file the write reads, so the write's compare-and-set covers it.
        let file: FileInfo;
        try {
          file = await store(l, req.body, "replace", (current) => requireIfMatch(req, quoted(l.data.tagOf(l.ref, current))));
        } catch (e) {
          // Another upload created the file first: this one's tag is stale.
          if (isCoreError(e, "already-exists")) throw stale();
          throw e;
        }
        return reply.code(201).header("etag", quoted(l.data.tagOf(l.ref, file))).send();
      },
      POST: async (req, reply) => {
        const l = await load(kit, req, { change: true });
        const file = await store(l, req.body, "append");
        return reply.code(200).header("etag", quoted(l.data.tagOf(l.ref, file))).send();
      },
      DELETE: async (req, reply) => {
        const l = await load(kit, req, { change: true });
        await l.data.remove(l.ref.path);
        return reply.code(204).send();
      },
    },
    { uploadLimit },
  );
}

