// The ceiling: a bare node:http server answering every request with a fixed JSON body.
import { createServer } from "node:http";

const body = JSON.stringify({
  id: "0193a6f2-7c4e-7b1a-9f3d-5e2c8a1b4d60",
  number: 1,
  serviceId: "bench",
  owner: "admin",
  state: "idle",
  name: "fixed",
  version: 0,
});
const server = createServer((_req, res) => {
  res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(body) });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(Number(process.argv[2] ?? 0), "127.0.0.1", () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
