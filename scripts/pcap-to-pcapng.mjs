/**
 * A classic pcap rewritten as pcapng (for tests and the fuzzer: the repo's samples are pcap):
 * one Section Header, one Interface Description, the key log in a Decryption Secrets Block
 * when one is given, and an Enhanced Packet Block per record.
 */
export function pcapToPcapng(pcap, keylog) {
  const little = pcap.readUInt32LE(0) === 0xa1b2c3d4 || pcap.readUInt32LE(0) === 0xa1b23c4d;
  const nanos = pcap.readUInt32LE(0) === 0xa1b23c4d || pcap.readUInt32BE(0) === 0xa1b23c4d;
  const u32 = (b, o) => (little ? b.readUInt32LE(o) : b.readUInt32BE(o));
  const block = (type, body) => {
    const pad = (4 - (body.length % 4)) % 4;
    const len = 12 + body.length + pad;
    const b = Buffer.alloc(len);
    b.writeUInt32LE(type, 0);
    b.writeUInt32LE(len, 4);
    body.copy(b, 8);
    b.writeUInt32LE(len, len - 4);
    return b;
  };
  const shb = Buffer.alloc(16);
  shb.writeUInt32LE(0x1a2b3c4d, 0);
  shb.writeUInt16LE(1, 4);
  shb.writeBigInt64LE(-1n, 8);
  const idb = Buffer.alloc(8 + (nanos ? 8 : 0));
  idb.writeUInt16LE(u32(pcap, 20) & 0xffff, 0);
  idb.writeUInt32LE(262144, 4);
  if (nanos) {
    idb.writeUInt16LE(9, 8); // if_tsresol
    idb.writeUInt16LE(1, 10);
    idb[12] = 9;
  }
  const blocks = [block(0x0a0d0d0a, shb), block(1, idb)];
  if (keylog !== undefined) {
    const secret = Buffer.from(keylog, 'latin1');
    const dsbHead = Buffer.alloc(8);
    dsbHead.writeUInt32LE(0x544c534b, 0); // TLS key log secrets type (pcapng §4.7)
    dsbHead.writeUInt32LE(secret.length, 4);
    blocks.push(block(10, Buffer.concat([dsbHead, secret])));
  }
  for (let off = 24; off + 16 <= pcap.length; ) {
    const sec = u32(pcap, off);
    const sub = u32(pcap, off + 4);
    const cap = u32(pcap, off + 8);
    const orig = u32(pcap, off + 12);
    const data = pcap.subarray(off + 16, off + 16 + cap);
    const ts = BigInt(sec) * (nanos ? 1_000_000_000n : 1_000_000n) + BigInt(sub);
    const head = Buffer.alloc(20);
    head.writeUInt32LE(0, 0);
    head.writeUInt32LE(Number(ts >> 32n), 4);
    head.writeUInt32LE(Number(ts & 0xffffffffn), 8);
    head.writeUInt32LE(cap, 12);
    head.writeUInt32LE(orig, 16);
    blocks.push(block(6, Buffer.concat([head, data])));
    off += 16 + cap;
  }
  return Buffer.concat(blocks);
}
