import { Type } from "typebox";

/**
 * The document shape rules MaxScale's own REST test suite checks
 * (`schema_validation.js`), as JSON Schema: what every 200 body of this family obeys.
 */

/** Top-level attribute and relationship names: no leading or trailing `_`. */
const MEMBER_NAME = "^[a-zA-Z0-9](?:[-\\w]*[a-zA-Z0-9])?$";
const Link = Type.String({ format: "uri-reference" });
const Links = Type.Record(Type.String(), Link);

const Linkage = Type.Object(
  { type: Type.String(), id: Type.String(), meta: Type.Optional(Type.Object({})) },
  { additionalProperties: false },
);

const Relationship = Type.Object(
  {
    links: Type.Optional(Links),
    data: Type.Optional(Type.Union([Type.Null(), Linkage, Type.Array(Linkage, { uniqueItems: true })])),
    meta: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
);

const Attributes = Type.Object(
  {},
  { propertyNames: { pattern: MEMBER_NAME, not: { enum: ["id", "type", "links", "relationships"] } } },
);

export const ResourceObject = Type.Object(
  {
    type: Type.String(),
    id: Type.String(),
    attributes: Type.Optional(Attributes),
    relationships: Type.Optional(Type.Record(Type.String({ pattern: MEMBER_NAME }), Relationship)),
    links: Type.Optional(Links),
    meta: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
);

export const JsonApiDocument = Type.Object(
  {
    data: Type.Optional(Type.Union([Type.Null(), ResourceObject, Type.Array(ResourceObject, { uniqueItems: true })])),
    included: Type.Optional(Type.Array(ResourceObject)),
    meta: Type.Optional(Type.Object({})),
    links: Type.Optional(Links),
    jsonapi: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
);

export const ErrorDocument = Type.Object(
  { errors: Type.Array(Type.Object({ detail: Type.String() }, { additionalProperties: false }), { minItems: 1 }) },
  { additionalProperties: false },
);
