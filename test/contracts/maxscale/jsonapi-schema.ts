import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";

/**
 * The JSON:API 1.0 schema (jsonapi.org/schema) that MaxScale's REST API test suite
 * validates its documents against (`server/core/test/rest-api/utils.js`), written out
 * here and compiled with ajv and its formats as that suite does: a document is a
 * success (`data`), a failure (`errors`) or an info (`meta`) document, member names
 * follow JSON:API's rule, links are URI references.
 */
const MEMBER_NAME = "^[a-zA-Z0-9](?:[-\\w]*[a-zA-Z0-9])?$";

const link = {
  oneOf: [
    { type: "string", format: "uri-reference" },
    { type: "object", required: ["href"], properties: { href: { type: "string", format: "uri-reference" }, meta: { $ref: "#/definitions/meta" } } },
  ],
};

const pageLink = { oneOf: [{ $ref: "#/definitions/link" }, { type: "null" }] };

export const JSON_API_SCHEMA = {
  oneOf: [{ $ref: "#/definitions/success" }, { $ref: "#/definitions/failure" }, { $ref: "#/definitions/info" }],
  definitions: {
    success: {
      type: "object",
      required: ["data"],
      properties: {
        data: { $ref: "#/definitions/data" },
        included: { type: "array", items: { $ref: "#/definitions/resource" }, uniqueItems: true },
        meta: { $ref: "#/definitions/meta" },
        links: { allOf: [{ $ref: "#/definitions/links" }, { $ref: "#/definitions/pagination" }] },
        jsonapi: { $ref: "#/definitions/jsonapi" },
      },
      additionalProperties: false,
    },
    failure: {
      type: "object",
      required: ["errors"],
      properties: {
        errors: { type: "array", items: { $ref: "#/definitions/error" }, uniqueItems: true },
        meta: { $ref: "#/definitions/meta" },
        jsonapi: { $ref: "#/definitions/jsonapi" },
        links: { $ref: "#/definitions/links" },
      },
      additionalProperties: false,
    },
    info: {
      type: "object",
      required: ["meta"],
      properties: { meta: { $ref: "#/definitions/meta" }, links: { $ref: "#/definitions/links" }, jsonapi: { $ref: "#/definitions/jsonapi" } },
      additionalProperties: false,
    },
    meta: { type: "object", additionalProperties: true },
    data: {
      oneOf: [{ $ref: "#/definitions/resource" }, { type: "array", items: { $ref: "#/definitions/resource" }, uniqueItems: true }, { type: "null" }],
    },
    resource: {
      type: "object",
      required: ["type", "id"],
      properties: {
        type: { type: "string" },
        id: { type: "string" },
        attributes: { $ref: "#/definitions/attributes" },
        relationships: { $ref: "#/definitions/relationships" },
        links: { $ref: "#/definitions/links" },
        meta: { $ref: "#/definitions/meta" },
      },
      additionalProperties: false,
    },
    relationshipLinks: {
      type: "object",
      properties: { self: { $ref: "#/definitions/link" }, related: { $ref: "#/definitions/link" } },
      additionalProperties: true,
    },
    links: { type: "object", additionalProperties: { $ref: "#/definitions/link" } },
    link,
    attributes: {
      type: "object",
      patternProperties: { [MEMBER_NAME]: {} },
      not: { anyOf: [{ required: ["relationships"] }, { required: ["links"] }, { required: ["id"] }, { required: ["type"] }] },
      additionalProperties: false,
    },
    relationships: {
      type: "object",
      patternProperties: {
        [MEMBER_NAME]: {
          properties: {
            links: { $ref: "#/definitions/relationshipLinks" },
            data: { oneOf: [{ $ref: "#/definitions/relationshipToOne" }, { $ref: "#/definitions/relationshipToMany" }] },
            meta: { $ref: "#/definitions/meta" },
          },
          anyOf: [{ required: ["data"] }, { required: ["meta"] }, { required: ["links"] }],
          not: { anyOf: [{ required: ["id"] }, { required: ["type"] }] },
          additionalProperties: false,
        },
      },
      additionalProperties: false,
    },
    relationshipToOne: { anyOf: [{ $ref: "#/definitions/empty" }, { $ref: "#/definitions/linkage" }] },
    relationshipToMany: { type: "array", items: { $ref: "#/definitions/linkage" }, uniqueItems: true },
    empty: { type: "null" },
    linkage: {
      type: "object",
      required: ["type", "id"],
      properties: { type: { type: "string" }, id: { type: "string" }, meta: { $ref: "#/definitions/meta" } },
      additionalProperties: false,
    },
    pagination: { type: "object", properties: { first: pageLink, last: pageLink, prev: pageLink, next: pageLink } },
    jsonapi: {
      type: "object",
      properties: { version: { type: "string" }, meta: { $ref: "#/definitions/meta" } },
      additionalProperties: false,
    },
    error: {
      type: "object",
      properties: {
        id: { type: "string" },
        links: { $ref: "#/definitions/links" },
        status: { type: "string" },
        code: { type: "string" },
        title: { type: "string" },
        detail: { type: "string" },
        source: { type: "object", properties: { pointer: { type: "string" }, parameter: { type: "string" } } },
        meta: { $ref: "#/definitions/meta" },
      },
      additionalProperties: false,
    },
  },
};

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ $data: true, allErrors: true, verbose: true, strict: false }));
const validator = ajv.compile(JSON_API_SCHEMA);

/** The suite's `validate`: true for a valid JSON:API document; otherwise the reasons. */
export function validateJsonApi(document: unknown): true | string {
  return validator(document) ? true : ajv.errorsText(validator.errors);
}
