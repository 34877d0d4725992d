/**
 * Asks for a secret on the terminal without echoing it; empty when standard input is
 * not a terminal (a script must pass the secret another way).
 */
export function readSecret(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) return Promise.resolve("");
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  input.setEncoding("utf8");
  let secret = "";
  return new Promise((resolve, reject) => {
    const done = (value: string | null) => {
      input.setRawMode(false);
      input.pause();
      input.off("data", onData);
      process.stderr.write("\n");
      if (value === null) reject(new Error("cancelled"));
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === "\r" || ch === "\n") return done(secret);
        if (ch === "\u0003" || ch === "\u0004") return done(null);
        if (ch === "\u007f" || ch === "\b") secret = secret.slice(0, -1);
        else secret += ch;
      }
    };
    input.on("data", onData);
  });
}
