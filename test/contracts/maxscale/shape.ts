import assert from "node:assert/strict";
import { Ajv } from "ajv";
import addFormatsModule from "ajv-formats";
import { ErrorDocument, JsonApiDocument } from "../../../src/api/maxscale/schemas.js";
import type { Answer } from "../../helpers/server.js";

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const ajv = addFormats(new Ajv({ strict: false, allErrors: true }));
const document = ajv.compile(JsonApiDocument);
const errors = ajv.compile(ErrorDocument);

/** A 200 body obeys MaxScale's JSON:API shape rules (contract §3.8). */
export function assertDocument(body: unknown, what = "document"): void {
  assert.ok(document(body), `${what}: ${ajv.errorsText(document.errors)}`);
}

/** An error body is `{"errors":[{"detail":...}]}` and nothing else. */
export function assertErrors(r: Answer, status: number, detail?: string | RegExp): void {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get("content-type") ?? "", /^application\/json/);
  assert.ok(errors(r.body), `error body: ${r.text}`);
  if (typeof detail === "string") assert.equal(r.body.errors.at(-1).detail, detail);
  else if (detail) assert.match(r.body.errors.at(-1).detail, detail);
}

/** A 404 (or other status) with no body and no Content-Type. */
export function assertNoBody(r: Answer, status: number): void {
  assert.equal(r.status, status, r.text);
  assert.equal(r.text, "");
  assert.equal(r.headers.get("content-type"), null);
}
