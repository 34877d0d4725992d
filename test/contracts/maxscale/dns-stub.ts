import { type Socket, createSocket } from "node:dgram";

/**
 * A DNS server for reverse lookups in tests: it answers PTR queries from a table, or —
 * with no table — receives queries and never answers (a resolver that hangs).
 */
export interface DnsStub {
  /** `127.0.0.1:<port>`, for `maxscale.dnsServers`. */
  server: string;
  queries: number;
  close(): Promise<void>;
}

function readName(msg: Buffer, offset: number): { name: string; end: number } {
  const labels: string[] = [];
  let i = offset;
  while (msg[i]! !== 0) {
    labels.push(msg.subarray(i + 1, i + 1 + msg[i]!).toString("ascii"));
    i += msg[i]! + 1;
  }
  return { name: labels.join("."), end: i + 1 };
}

function encodeName(name: string): Buffer {
  return Buffer.concat([...name.split(".").map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, "ascii")])), Buffer.from([0])]);
}

function answer(query: Buffer, names: Record<string, string>): Buffer {
  const { name, end } = readName(query, 12);
  const question = query.subarray(12, end + 4);
  const address = name.replace(/\.in-addr\.arpa$/, "").split(".").reverse().join(".");
  const target = names[address];
  const header = Buffer.alloc(12);
  query.copy(header, 0, 0, 2);
  header.writeUInt16BE(target ? 0x8180 : 0x8183, 2);
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(target ? 1 : 0, 6);
  if (!target) return Buffer.concat([header, question]);
  const rdata = encodeName(target);
  const rr = Buffer.alloc(12);
  rr.writeUInt16BE(0xc00c, 0);
  rr.writeUInt16BE(12, 2);
  rr.writeUInt16BE(1, 4);
  rr.writeUInt32BE(60, 6);
  rr.writeUInt16BE(rdata.length, 10);
  return Buffer.concat([header, question, rr, rdata]);
}

export async function dnsStub(names: Record<string, string> | null): Promise<DnsStub> {
  const socket: Socket = createSocket("udp4");
  const stub: DnsStub = {
    server: "",
    queries: 0,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
  socket.on("message", (msg, from) => {
    stub.queries += 1;
    if (names) socket.send(answer(msg, names), from.port, from.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  stub.server = `127.0.0.1:${socket.address().port}`;
  return stub;
}
