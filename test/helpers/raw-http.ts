import net from "node:net";

export interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * Sends bytes as they are over one TCP connection and reads one HTTP/1.1 answer: for
 * requests fetch cannot send (raw non-ASCII, a `#`, malformed escapes, huge headers).
 */
export function rawRequest(base: string, request: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.write(request));
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${timeoutMs} ms: ${JSON.stringify(data.toString("latin1").slice(0, 300))}`));
    }, timeoutMs);
    const tryParse = (ended: boolean) => {
      const split = data.indexOf("\r\n\r\n");
      if (split < 0) return ended ? finish(new Error(`no header section: ${JSON.stringify(data.toString("latin1"))}`)) : undefined;
      const [statusLine, ...lines] = data.subarray(0, split).toString("latin1").split("\r\n");
      const headers: Record<string, string> = {};
      for (const line of lines) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = headers["content-length"] === undefined ? null : Number(headers["content-length"]);
      const body = data.subarray(split + 4);
      if (length !== null && body.length < length && !ended) return undefined;
      if (length === null && !ended) return undefined;
      finish(null, { status: Number(statusLine!.split(" ")[1]), headers, body: body.subarray(0, length ?? body.length).toString("utf8") });
    };
    const finish = (err: Error | null, answer?: RawAnswer) => {
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(answer!);
    };
    socket.on("data", (chunk) => {
      data = Buffer.concat([data, chunk]);
      tryParse(false);
    });
    socket.on("end", () => tryParse(true));
    socket.on("error", (e) => finish(e));
  });
}

/** A request line and headers, CRLF-joined, ending the header section. */
export function requestBytes(method: string, target: string | Buffer, headers: Record<string, string> = {}, body = ""): Buffer {
  const head = Object.entries({ host: "localhost", connection: "close", ...headers, ...(body ? { "content-length": String(Buffer.byteLength(body)) } : {}) })
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  return Buffer.concat([Buffer.from(`${method} `), Buffer.from(target), Buffer.from(` HTTP/1.1\r\n${head}\r\n${body}`)]);
}
