// The ceiling: a bare node:http server that answers every request with the bytes
// sessionhub answered to the same request, captured by the bench just before (status,
// headers, body). What sessionhub does beyond this is the cost of its own code.
import { readFileSync } from "node:fs";
import { createServer } from "node:http";

const { status, headers, body } = JSON.parse(readFileSync(process.argv[2], "utf8"));
const bytes = Buffer.from(body, "base64");
const head = { ...headers, "content-length": String(bytes.length) };
const server = createServer((_req, res) => {
  res.writeHead(status, head);
  res.end(bytes);
});
server.keepAliveTimeout = 65_000;
server.listen(0, "127.0.0.1", () => process.stdout.write(`listening ${server.address().port}\n`));
process.on("SIGTERM", () => process.exit(0));
