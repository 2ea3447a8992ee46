import { ByteReader } from '../wire/byte-reader.js';
import { fileSource, type ByteSource } from './byte-source.js';
import { WireError } from '../wire/wire-error.js';
import {
  BYTE_ORDER_MAGIC,
  BlockType,
  OptionCode,
  timestampSeconds,
  unitsPerSecond,
  type PcapngInterface,
} from './pcapng-blocks.js';
import type { CaptureEvent, CaptureStats } from './types.js';

const CHUNK = 1 << 20;
/** no real block is this large; a larger length means the file is corrupt */
const MAX_BLOCK = 16 << 20;

/**
 * Reads a pcapng file block by block (draft-ietf-opsawg-pcapng), streaming: a chunk of the
 * file at a time, with only an unfinished block carried over. Interfaces belong to their
 * section; each section may have its own byte order. The events of the blocks read from
 * one chunk come as one batch, handed over before the next chunk is read.
 */
export async function* readPcapng(input: string | ByteSource, stats: CaptureStats): AsyncGenerator<CaptureEvent[]> {
  // read once, in order, so that a pipe (which cannot seek) is read as a file is
  const src = typeof input === 'string' ? await fileSource(input) : input;
  const path = src.name;
  try {
    let pos = 0; // file offset of buf[0]
    let buf = Buffer.alloc(0);
    let eof = false;
    let little = true;
    let interfaces: PcapngInterface[] = [];
    let lastTime = 0;

    const fill = async (need: number): Promise<boolean> => {
      while (buf.length < need && !eof) {
        // a pipe hands over its own small chunks whatever is asked: a big buffer per read would only be copied out of
        const size = src.chunkSize < CHUNK ? src.chunkSize : Math.max(CHUNK, need - buf.length);
        // what is left of the last chunk (a block cut off) goes first, and the read after it:
        // only those bytes are copied, not the whole chunk onto them
        const chunk = Buffer.allocUnsafe(buf.length + size);
        const kept = buf.copy(chunk);
        const bytesRead = await src.read(chunk, kept, size);
        if (bytesRead === 0) eof = true;
        else {
          const got = chunk.subarray(0, kept + bytesRead);
          // a pipe gives a little at a time: keep a copy of what came, not the whole chunk behind it
          buf = bytesRead < size / 4 ? Buffer.from(got) : got;
        }
      }
      return buf.length >= need;
    };
    let batch: CaptureEvent[] = [];
    const fatal = (message: string, offset: number): CaptureEvent => ({
      kind: 'issue',
      issue: { file: path, offset, message, fatal: true },
    });

    for (;;) {
      // what this chunk gave is handed over before the next is read
      if (buf.length < 12 && batch.length > 0) {
        yield batch;
        batch = [];
      }
      if (!(await fill(12))) {
        if (buf.length > 0) yield [fatal(`file is cut short: a block header needs 12 bytes, the file ends after ${buf.length}`, pos)];
        return;
      }
      let type = buf.readUInt32LE(0);
      if (type === BlockType.SECTION_HEADER) {
        // the byte order of everything up to the next section comes from this block (§4.1)
        const bom = buf.readUInt32LE(8);
        if (bom === BYTE_ORDER_MAGIC) little = true;
        else if (buf.readUInt32BE(8) === BYTE_ORDER_MAGIC) little = false;
        else {
          yield [...batch, fatal(`expected the byte-order magic 1a2b3c4d in a Section Header Block, found ${buf.toString('hex', 8, 12)}`, pos + 8)];
          return;
        }
        interfaces = [];
      }
      type = little ? buf.readUInt32LE(0) : buf.readUInt32BE(0);
      const length = little ? buf.readUInt32LE(4) : buf.readUInt32BE(4);
      if (length < 12 || length % 4 !== 0 || length > MAX_BLOCK) {
        yield [...batch, fatal(`block length ${length} is impossible: expected a multiple of 4 from 12 to ${MAX_BLOCK}`, pos + 4)];
        return;
      }
      if (buf.length < length && batch.length > 0) {
        yield batch;
        batch = [];
      }
      if (!(await fill(length))) {
        yield [fatal(`file is cut short: the block needs ${length} bytes, the file ends after ${buf.length}`, pos)];
        return;
      }
      const trailer = little ? buf.readUInt32LE(length - 4) : buf.readUInt32BE(length - 4);
      if (trailer !== length) {
        yield [...batch, fatal(`block length ${length} at the start and ${trailer} at the end disagree`, pos + length - 4)];
        return;
      }
      const r = new ByteReader(buf, pos, 8, length - 4);
      try {
        switch (type) {
          case BlockType.INTERFACE_DESCRIPTION:
            interfaces.push(readInterface(r, little));
            stats.linkTypes = [...new Set([...stats.linkTypes, interfaces.at(-1)!.linkType])];
            break;
          case BlockType.ENHANCED_PACKET:
          case BlockType.OBSOLETE_PACKET: {
            const ifId = type === BlockType.ENHANCED_PACKET ? r.u32('the interface ID', little) : r.u16('the interface ID', little);
            if (type === BlockType.OBSOLETE_PACKET) r.u16('the drops count', little);
            const iface = interfaces[ifId];
            if (!iface) {
              // §4.3: the interface ID indexes the Interface Description Blocks before it in its section
              const what =
                interfaces.length === 0
                  ? `a packet block comes before any Interface Description Block in its section: expected the interface it names (${ifId}) to be described first`
                  : `the packet names interface ${ifId}, but its section describes only ${interfaces.length === 1 ? 'interface 0' : `interfaces 0 to ${interfaces.length - 1}`}`;
              throw new WireError(`${what}; the packet is skipped`, pos + 8);
            }
            const high = r.u32('the timestamp (high)', little);
            const low = r.u32('the timestamp (low)', little);
            const captured = r.u32('the captured length', little);
            const original = r.u32('the original length', little);
            const data = r.bytes(captured, `${captured} bytes of packet data`);
            lastTime = timestampSeconds(high, low, iface);
            batch.push(record(stats, lastTime, iface, data, original, pos, r.absoluteOffset - captured, ifId));
            break;
          }
          case BlockType.SIMPLE_PACKET: {
            // §4.4: interface 0, no timestamp; the data is the original length cut to the snap length
            const iface = interfaces[0];
            if (!iface) throw new WireError('a Simple Packet Block comes before any Interface Description Block in its section: expected interface 0 to be described first; the packet is skipped', pos);
            const original = r.u32('the original length', little);
            const captured = Math.min(original, iface.snapLength || original, r.remaining);
            batch.push(record(stats, lastTime, iface, r.bytes(captured), original, pos, pos + 12, 0));
            break;
          }
          case BlockType.DECRYPTION_SECRETS: {
            const secretsType = r.u32('the secrets type', little);
            const len = r.u32('the secrets length', little);
            // copied, so that keeping the secrets does not keep the whole read chunk alive
            batch.push({ kind: 'secrets', secrets: { secretsType, data: Buffer.from(r.bytes(len, `${len} bytes of secrets`)), fileOffset: pos } });
            break;
          }
          default:
            // Name Resolution, Interface Statistics, custom blocks …: nothing for us
            break;
        }
      } catch (err) {
        if (!(err instanceof WireError)) throw err;
        // the block's own length is sound, so the next block can still be read
        batch.push({ kind: 'issue', issue: { file: path, offset: err.offset, message: err.message, fatal: false } });
      }
      buf = buf.subarray(length);
      pos += length;
      stats.bytesRead = pos;
    }
  } finally {
    await src.close();
  }
}

function record(
  stats: CaptureStats,
  time: number,
  iface: PcapngInterface,
  data: Buffer,
  originalLength: number,
  fileOffset: number,
  dataOffset: number,
  interfaceId: number,
): CaptureEvent {
  stats.records++;
  stats.firstTime ??= time;
  return {
    kind: 'record',
    record: { frame: stats.records, time, linkType: iface.linkType, data, originalLength, fileOffset, dataOffset, interfaceId },
  };
}

/** Interface Description Block (§4.2) with the options that change timestamps */
function readInterface(r: ByteReader, little: boolean): PcapngInterface {
  const linkType = r.u16('the link type', little);
  r.u16('reserved', little);
  const snapLength = r.u32('the snap length', little);
  const iface: PcapngInterface = { linkType, snapLength, unitsPerSecond: 1_000_000n, offsetSeconds: 0 };
  while (r.remaining >= 4) {
    const code = r.u16('an option code', little);
    const len = r.u16('an option length', little);
    if (code === OptionCode.END) break;
    const value = r.bytes(len, `an option value of ${len} bytes`);
    r.skip((4 - (len % 4)) % 4, 'option padding');
    if (code === OptionCode.IF_TSRESOL && len >= 1) iface.unitsPerSecond = unitsPerSecond(value[0]!);
    if (code === OptionCode.IF_TSOFFSET && len >= 8) {
      iface.offsetSeconds = Number(little ? value.readBigInt64LE(0) : value.readBigInt64BE(0));
    }
  }
  return iface;
}
