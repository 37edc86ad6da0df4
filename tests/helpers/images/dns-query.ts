import crypto from "node:crypto";
import dgram from "node:dgram";
import net from "node:net";

/** One DNS question over UDP or TCP, without any resolver library. */
export type DnsAnswer = { rcode: number; answers: { name: string; type: number; ttl: number; data: string }[] };

function encodeQuery(id: number, name: string, type: number) {
  const labels = name
    .replace(/\.$/, "")
    .split(".")
    .map((l) => Buffer.concat([Buffer.from([Buffer.byteLength(l)]), Buffer.from(l)]));
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  header.writeUInt16BE(0x0100, 2); // recursion desired
  header.writeUInt16BE(1, 4); // one question
  const tail = Buffer.alloc(4);
  tail.writeUInt16BE(type, 0);
  tail.writeUInt16BE(1, 2); // IN
  return Buffer.concat([header, ...labels, Buffer.from([0]), tail]);
}

function readName(buf: Buffer, offset: number): [string, number] {
  const parts: string[] = [];
  let end = -1;
  for (let hops = 0; hops < 64; hops++) {
    const len = buf[offset]!;
    if (len === 0) return [parts.join("."), end >= 0 ? end : offset + 1];
    if ((len & 0xc0) === 0xc0) {
      if (end < 0) end = offset + 2;
      offset = buf.readUInt16BE(offset) & 0x3fff;
      continue;
    }
    parts.push(buf.subarray(offset + 1, offset + 1 + len).toString());
    offset += len + 1;
  }
  throw new Error("DNS name too long");
}

function decode(buf: Buffer, id: number): DnsAnswer {
  if (buf.readUInt16BE(0) !== id) throw new Error("DNS answer for another query");
  const rcode = buf.readUInt16BE(2) & 0xf;
  const qd = buf.readUInt16BE(4);
  const an = buf.readUInt16BE(6);
  let off = 12;
  for (let i = 0; i < qd; i++) off = readName(buf, off)[1] + 4;
  const answers: DnsAnswer["answers"] = [];
  for (let i = 0; i < an; i++) {
    const [name, next] = readName(buf, off);
    const type = buf.readUInt16BE(next);
    const ttl = buf.readUInt32BE(next + 4);
    const len = buf.readUInt16BE(next + 8);
    const rdata = buf.subarray(next + 10, next + 10 + len);
    const data = type === 1 ? [...rdata].join(".") : type === 16 ? rdata.subarray(1, 1 + rdata[0]!).toString() : rdata.toString("hex");
    answers.push({ name, type, ttl, data });
    off = next + 10 + len;
  }
  return { rcode, answers };
}

export async function dnsQuery(server: string, port: number, name: string, opts: { tcp?: boolean; type?: number; timeoutMs?: number } = {}): Promise<DnsAnswer> {
  const id = crypto.randomInt(65536);
  const q = encodeQuery(id, name, opts.type ?? 1);
  const timeoutMs = opts.timeoutMs ?? 3_000;
  if (!opts.tcp) {
    const sock = dgram.createSocket("udp4");
    try {
      return await new Promise<DnsAnswer>((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no DNS answer over UDP from ${server}:${port}`)), timeoutMs);
        sock.once("error", reject);
        sock.on("message", (m) => {
          clearTimeout(t);
          try {
            resolve(decode(m, id));
          } catch (e) {
            reject(e);
          }
        });
        sock.send(q, port, server);
      });
    } finally {
      sock.close();
    }
  }
  return new Promise<DnsAnswer>((resolve, reject) => {
    const sock = net.connect({ host: server, port });
    let got = Buffer.alloc(0);
    const t = setTimeout(() => {
      sock.destroy();
      reject(new Error(`no DNS answer over TCP from ${server}:${port}`));
    }, timeoutMs);
    sock.once("error", (e) => {
      clearTimeout(t);
      reject(e);
    });
    sock.once("connect", () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(q.length);
      sock.write(Buffer.concat([len, q]));
    });
    sock.on("data", (d) => {
      got = Buffer.concat([got, d]);
      if (got.length >= 2 && got.length >= 2 + got.readUInt16BE(0)) {
        clearTimeout(t);
        sock.destroy();
        try {
          resolve(decode(got.subarray(2, 2 + got.readUInt16BE(0)), id));
        } catch (e) {
          reject(e);
        }
      }
    });
  });
}
