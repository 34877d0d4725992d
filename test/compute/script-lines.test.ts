import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { sourceLines, storedLines, truncateUtf8 } from "../../src/compute/lines.js";
import { areaPath } from "../../src/compute/session-data.js";
import { dropComments, firstToken, splitStatements, statements, substitute, unquote } from "../../src/compute/script/parse.js";

describe("compute: the script language's parsing, typed lines, area paths", () => {
  test("statements split at semicolons outside quotes, comments and * statements dropped", () => {
    assert.deepEqual(splitStatements("print 'a;b'; print \"c;\"\"d\""), ["print 'a;b'", " print \"c;\"\"d\""]);
    assert.equal(dropComments("a /* x\ny */ b"), "a \n b");
    assert.deepEqual(statements("* skip;\nPRINT x; ;note y"), [
      { keyword: "print", word: "PRINT", argument: "x" },
      { keyword: "note", word: "note", argument: "y" },
    ]);
  });

  test("&NAME resolution outside single quotes, one pass, unknown names kept", () => {
    const vars: Record<string, string> = { X: "&Y", Y: "no" };
    const lookup = (n: string) => vars[n.toUpperCase()] ?? null;
    assert.equal(substitute("&x '&x' \"&x\" &unknown &x.z", lookup), "&Y '&x' \"&Y\" &unknown &Yz");
    assert.equal(substitute("'it''s &x'", lookup), "'it''s &x'");
    assert.equal(unquote("'it''s'"), "it's");
    assert.equal(unquote("'a' 'b'"), null);
    assert.deepEqual(firstToken("'a b' rest"), { token: "a b", quoted: true, rest: "rest" });
  });

  test("typed lines: prefixes once, breaks split, control characters dropped, UTF-8 cut at a boundary", () => {
    assert.deepEqual(storedLines({ stream: "log", type: "error", text: "bad\nsecond" }, 100).flat().map((l) => l.text), ["ERROR: bad", "second"]);
    assert.deepEqual(storedLines({ stream: "log", type: "note", text: "NOTE: given" }, 100).flat().map((l) => l.text), ["NOTE: given"]);
    assert.deepEqual(storedLines({ stream: "both", type: "normal", text: "a\u0007\tb" }, 100)[0]!.map((l) => [l.stream, l.text]), [["listing", "a\tb"], ["log", "a\tb"]]);
    assert.deepEqual(storedLines({ stream: "listing", type: "warning", text: "w" }, 100)[0]!.map((l) => l.stream), ["log"]);
    assert.equal(truncateUtf8("é".repeat(10), 5), "éé");
    assert.deepEqual(sourceLines("a\r\nb\n", 12344, 100).map((l) => l.text), ["12344 a", "12345 b"]);
    assert.deepEqual(sourceLines("\n", 1, 100).map((l) => l.text), ["1    "]);
  });

  test("area paths never leave the area", () => {
    assert.equal(areaPath("/etc/passwd"), "/etc/passwd");
    assert.equal(areaPath("a\\b/./c/../d"), "/a/b/d");
    assert.equal(areaPath("../x"), null);
    assert.equal(areaPath("a/../../x"), null);
    assert.equal(areaPath(""), null);
    assert.equal(areaPath("a\u0000"), null);
    assert.equal(areaPath("x".repeat(1025)), null);
  });
});
