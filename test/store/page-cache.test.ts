import assert from "node:assert/strict";
import { test } from "node:test";
import type { Session } from "../../src/core/types.js";
import { PageCache } from "../../src/store/sqlite/page-cache.js";

const page = (n: number) => ({ items: Array.from({ length: n }, (_, i) => ({ id: `s${i}` }) as Session), nextCursor: null });

test("a kept page comes back while the mark holds, frozen, and any other mark empties the cache", () => {
  const cache = new PageCache(100);
  assert.equal(cache.get("a", 1), undefined);
  const kept = cache.set("a", 1, page(3));
  assert.ok(Object.isFrozen(kept) && Object.isFrozen(kept.items));
  assert.equal(cache.get("a", 1), kept);
  assert.equal(cache.get("a", 2), undefined, "a write moved the mark");
  assert.equal(cache.get("a", 1), undefined, "and the old pages are gone, not kept for the old mark");
});

test("a page read at a mark that has since moved is handed out but not kept", () => {
  const cache = new PageCache(100);
  cache.get("a", 1);
  cache.set("a", 2, page(1));
  assert.equal(cache.get("a", 1), undefined);
});

test("pages are bounded by their items, each page counting one more, the oldest going first", () => {
  const cache = new PageCache(10);
  cache.get("", 1);
  for (let i = 0; i < 20; i += 1) cache.set(`empty${i}`, 1, page(0));
  assert.equal(cache.get("empty9", 1), undefined);
  assert.ok(cache.get("empty19", 1));
  cache.set("big", 1, page(9));
  assert.ok(cache.get("big", 1));
  assert.equal(cache.get("empty19", 1), undefined);
  cache.set("huge", 1, page(10));
  assert.equal(cache.get("huge", 1), undefined, "a page larger than the bound is not kept");
  assert.ok(cache.get("big", 1));
});
