import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { redactUrl } from "../../src/http/redact.js";

describe("redactUrl: the query's secrets never reach a log line", () => {
  test("secret keys are blanked however they are spelled; other keys and the path are kept", () => {
    assert.equal(redactUrl("/sessions?status=open&sort=-createdAt"), "/sessions?status=open&sort=-createdAt");
    assert.equal(redactUrl("/join?password=hunter2&limit=5"), "/join?password=[REDACTED]&limit=5");
    assert.equal(redactUrl("/x?pass%77ord=a&PASSWORD=b&user%5Bpassword%5D=c&refresh_token=d&api-key=e"), "/x?pass%77ord=[REDACTED]&PASSWORD=[REDACTED]&user%5Bpassword%5D=[REDACTED]&refresh_token=[REDACTED]&api-key=[REDACTED]");
    assert.equal(redactUrl("/x?token="), "/x?token=", "nothing to blank");
    assert.equal(redactUrl("/password/reset"), "/password/reset", "paths are not queries");
  });

  test("a key judged once is judged the same the next time, and after many other keys", () => {
    for (let round = 0; round < 3; round += 1) {
      assert.equal(redactUrl("/a?secret=s&name=n"), "/a?secret=[REDACTED]&name=n");
      for (let i = 0; i < 1500; i += 1) redactUrl(`/a?k${round}_${i}=v&token${i}=t`);
      assert.equal(redactUrl(`/a?k${round}_7=v&token7=t`), `/a?k${round}_7=v&token7=[REDACTED]`);
    }
    const long = `${"x".repeat(200)}_password`;
    for (let i = 0; i < 2; i += 1) assert.equal(redactUrl(`/a?${long}=p`), `/a?${long}=[REDACTED]`, "a key too long to remember is judged each time");
  });
});
