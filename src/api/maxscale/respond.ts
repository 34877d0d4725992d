import type { FastifyReply, FastifyRequest } from "fastify";
import type { FilterLimits } from "../../core/query.js";
import { collectionQuery, inMemoryCollection, singleDocument } from "./collection.js";
import { failure } from "./errors.js";
import { fieldset } from "./fields.js";
import type { Resource } from "./resource.js";
import { sendDocument } from "./send.js";

type Query = Record<string, string | string[] | undefined>;

/** A collection held in memory, of resources of one type: filter → page → fields, then sent. */
export const sendCollection = (req: FastifyRequest, reply: FastifyReply, self: string, type: string, rows: Resource[], limits: FilterLimits) =>
  sendDocument(req, reply, inMemoryCollection(self, rows, collectionQuery(req.query as Query, type, limits)));

/** One resource, with its type's sparse fieldset. */
export const sendResource = (req: FastifyRequest, reply: FastifyReply, r: Resource) =>
  sendDocument(req, reply, singleDocument(r, fieldset(req.query as Query, r.type)));

/** MaxScale's answer to a path naming an object that does not exist: `<name> is not a <kind>`. */
export const notA = (kind: string, name: string) => failure(404, `${name} is not a ${kind}`);
