/**
 * The bytes a chunked HTTP/1.1 response carries for one write: the size in hex, CRLF, the
 * data, CRLF — what ServerResponse.write puts on the socket, made once so that a delivery
 * shared by many streams is encoded once and written to each socket as it is.
 */
export interface HttpChunk {
  /** The whole chunk, framing included: for a socket the response's head has gone out on. */
  wire: Buffer;
  /** The data alone, a view of `wire`: for ServerResponse.write, which frames it itself. */
  data: Buffer;
}

export function httpChunk(text: string): HttpChunk {
  const head = `${Buffer.byteLength(text).toString(16)}\r\n`;
  const wire = Buffer.from(`${head}${text}\r\n`);
  return { wire, data: wire.subarray(head.length, wire.length - 2) };
}

/**
 * Live deliveries are written after the turn that published them: the bus's loop only
 * decides what each stream gets, the writer whose change it was has its answer sent
 * first, and one loop then writes every stream's chunk. A stream makes every write after
 * its start through here, so its writes keep their order.
 */
const pending: { write: (chunk: HttpChunk) => void; chunk: HttpChunk }[] = [];

export function writeLater(write: (chunk: HttpChunk) => void, chunk: HttpChunk): void {
  if (pending.length === 0) setImmediate(writePending);
  pending.push({ write, chunk });
}

function writePending(): void {
  for (const { write, chunk } of pending.splice(0)) {
    try {
      write(chunk);
    } catch {
      /* one broken stream must not stop the others */
    }
  }
}
