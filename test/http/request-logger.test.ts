import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { test } from "node:test";
import { pino } from "pino";
import { lazyRequestLogger } from "../../src/http/request-logger.js";

function capture() {
  const lines: Record<string, unknown>[] = [];
  let children = 0;
  const root = pino(
    { level: "info" },
    new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  const child = root.child;
  root.child = function (this: typeof root, ...args: Parameters<typeof child>) {
    children += 1;
    return child.apply(this, args);
  } as typeof root.child;
  return { root, lines, children: () => children };
}

test("a request's logger is made on its first line, which carries the request's bindings", () => {
  const { root, lines, children } = capture();
  const log = lazyRequestLogger(root, { reqId: "r-1" }, {});
  assert.equal(log.level, "info");
  log.debug("below the level");
  assert.equal(children(), 1);
  log.info({ owedBytes: 3 }, "cut");
  log.error(new Error("boom"));
  assert.equal(children(), 1);
  assert.deepEqual(
    lines.map((l) => [l.reqId, l.msg, l.owedBytes]),
    [
      ["r-1", "cut", 3],
      ["r-1", "boom", undefined],
    ],
  );
});

test("a request's logger that never logs makes no child", () => {
  const { root, lines, children } = capture();
  const log = lazyRequestLogger(root, { reqId: "r-2" }, { level: "warn" });
  assert.equal(log.level, "warn");
  log.silent("nothing");
  assert.equal(children(), 0);
  log.child({ part: "x" }).warn("from a grandchild");
  assert.deepEqual(
    lines.map((l) => [l.reqId, l.part, l.msg]),
    [["r-2", "x", "from a grandchild"]],
  );
});
