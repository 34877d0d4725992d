import assert from "node:assert/strict";

/** The APIs sessionhub serves, by the name their edge carries. */
export type ApiName = "native" | "game" | "maxscale" | "sas-compute" | "roundware";

export interface ErrorAnswer {
  status: number;
  headers: Record<string, string> | Headers;
  body: string;
}

const header = (headers: ErrorAnswer["headers"], name: string) =>
  headers instanceof Headers ? (headers.get(name) ?? undefined) : headers[name];

/**
 * Asserts that an answer is an error of `status` in the format of `api` (its contract's
 * error section): the check every hostile-input test shares.
 */
export function assertApiError(api: ApiName, answer: ErrorAnswer, status: number, context = ""): void {
  const where = `${context} → ${answer.status} ${answer.body.slice(0, 200)}`;
  assert.equal(answer.status, status, where);
  const type = header(answer.headers, "content-type") ?? "";
  const json = () => JSON.parse(answer.body) as Record<string, unknown>;
  switch (api) {
    case "native": {
      assert.match(type, /^application\/problem\+json/, where);
      const b = json();
      assert.equal(b.status, status, where);
      assert.match(String(b.type), /^https:\/\/sessionhub\.dev\/problems\//, where);
      assert.equal(typeof b.title, "string", where);
      assert.equal(typeof b.detail, "string", where);
      break;
    }
    case "game": {
      assert.match(type, /^application\/json/, where);
      const b = json();
      assert.deepEqual(Object.keys(b), ["code", "status", "message"], where);
      assert.equal(b.status, status, where);
      break;
    }
    case "maxscale": {
      if (status === 404) {
        assert.equal(answer.body, "", where);
        break;
      }
      assert.match(type, /^application\/json/, where);
      const b = json() as { errors?: { detail?: unknown }[] };
      assert.ok(Array.isArray(b.errors) && b.errors.length > 0 && typeof b.errors[0]!.detail === "string", where);
      break;
    }
    case "sas-compute": {
      if (status === 401) {
        assert.equal(answer.body, "", where);
        assert.match(header(answer.headers, "www-authenticate") ?? "", /^Bearer realm="sessionhub"/, where);
        break;
      }
      assert.match(type, /^application\/vnd\.sas\.error\+json/, where);
      const b = json();
      assert.equal(b.httpStatusCode, status, where);
      assert.equal(typeof b.errorCode, "number", where);
      assert.ok(Array.isArray(b.details), where);
      break;
    }
    case "roundware": {
      assert.match(type, /^application\/json/, where);
      const b = json();
      assert.ok(typeof b.detail === "string" || Object.values(b).every(Array.isArray), where);
      break;
    }
  }
}
