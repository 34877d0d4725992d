import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { requestFilters } from "../../src/api/maxscale/filter-parse.js";
import { MaxscaleError } from "../../src/api/maxscale/errors.js";
import { parseFilters } from "../../src/api/game/query.js";
import { GameError } from "../../src/api/game/errors.js";
import { toSessionQuery } from "../../src/api/native/query.js";
import { compileFilter } from "../../src/api/sas-compute/filter.js";
import { SasError } from "../../src/api/sas-compute/errors.js";
import { DEFAULTS } from "../../src/config.js";
import { CoreError } from "../../src/core/errors.js";

/**
 * Inputs far larger than a URL can carry, straight into each family's parser: each
 * refuses them with its own error while parsing, without running out of stack.
 */
const limits = DEFAULTS.limits;
const DEEP = 100_000;

describe("filter parsers: 100,000-deep and 100,000-wide inputs", () => {
  test("SAS: nesting is refused at the limit (1104), and so is an in() list or a filter too long", () => {
    const fields = { name: { kind: "string" as const } };
    const refused = (e: unknown) => e instanceof SasError && e.status === 400 && e.code === 1104;
    assert.throws(() => compileFilter(`${"and(".repeat(DEEP)}eq(name,x)${")".repeat(DEEP)}`, fields, limits), refused);
    assert.throws(() => compileFilter(`${"not(".repeat(DEEP)}`, fields, limits), refused);
    assert.throws(() => compileFilter(`in(name,${"v,".repeat(DEEP)}v)`, fields, limits), refused);
    assert.throws(() => compileFilter(`or(${"eq(name,x),".repeat(DEEP)}eq(name,x))`, fields, limits), refused);
  });

  test("MaxScale: nesting and comparisons are refused while parsing (400)", () => {
    const refused = (e: unknown) => e instanceof MaxscaleError && e.status === 400;
    assert.throws(() => requestFilters({ filter: `/id=${"not(".repeat(DEEP)}eq(1)${")".repeat(DEEP)}` }, limits), refused);
    assert.throws(() => requestFilters({ "filter[id]": `${"or(".repeat(DEEP)}` }, limits), refused);
    assert.throws(() => requestFilters({ filter: `/id=or(${"eq(1),".repeat(DEEP)}eq(1))` }, limits), refused);
    assert.throws(() => requestFilters({ filter: Array.from({ length: DEEP }, () => "/id=1") }, limits), refused);
  });

  test("game and native: a key repeated 100,000 times is refused before its values are parsed", () => {
    const many = Array.from({ length: DEEP }, (_, i) => `user-${i}`);
    assert.throws(() => parseFilters({ hostUid: many }, limits), (e: unknown) => e instanceof GameError && e.body.status === 400);
    assert.throws(() => toSessionQuery({ "attributes.x": many }, limits), (e: unknown) => e instanceof CoreError && e.kind === "invalid");
  });
});
