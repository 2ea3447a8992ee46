import { unbatch } from '../wire/batches.js';
import { WireError } from '../wire/wire-error.js';
import { FragmentReassembler } from './ip-fragments.js';
import { IPPROTO_UDP, readIpv4, readIpv6, type IpPacket } from './ip.js';
import { stripLinkLayer } from './link-layer.js';
import type { CaptureFile } from './open-capture.js';
import type { CaptureRecord, Datagram, DatagramEvent } from './types.js';
import { readUdp } from './udp.js';

/** readDatagramBatches, one event at a time */
export function readDatagrams(file: CaptureFile): AsyncGenerator<DatagramEvent> {
  return unbatch(readDatagramBatches(file));
}

/**
 * Records → UDP datagrams: the link layer stripped, IP fragments reassembled, the UDP
 * header read. Records that are not UDP over IP are counted and passed over; a record whose
 * headers are malformed is reported and skipped, and reading goes on with the next. A batch
 * of records in, a batch of events out.
 */
export async function* readDatagramBatches(file: CaptureFile): AsyncGenerator<DatagramEvent[]> {
  const fragments = new FragmentReassembler();
  const unknownLinks = new Set<number>();
  let firstTruncated: number | undefined;
  const lengthFromRecord = { count: 0, first: 0 };

  const datagramOf = (rec: CaptureRecord, out: DatagramEvent[]): void => {
    if (rec.data.length < rec.originalLength) {
      file.stats.truncatedRecords++;
      firstTruncated ??= rec.frame;
    }
    try {
      const d = toDatagram(rec, fragments, lengthFromRecord);
      if (d) out.push({ kind: 'datagram', datagram: d });
      else file.stats.otherRecords++;
    } catch (err) {
      if (err instanceof UnknownLinkType) {
        file.stats.otherRecords++;
        if (!unknownLinks.has(rec.linkType)) {
          unknownLinks.add(rec.linkType);
          out.push({
            kind: 'issue',
            issue: { file: file.path, frame: rec.frame, message: `link type ${rec.linkType} is not one quiclens decodes; its records are skipped`, fatal: false },
          });
        }
        return;
      }
      if (!(err instanceof WireError)) throw err;
      const truncated = rec.data.length < rec.originalLength;
      out.push({
        kind: 'issue',
        issue: {
          file: file.path,
          frame: rec.frame,
          offset: err.offset,
          message: truncated ? `record cut short by the snap length: ${err.message}` : err.message,
          fatal: false,
        },
      });
    }
  };

  for await (const events of file.batches()) {
    const out: DatagramEvent[] = [];
    for (const ev of events) {
      if (ev.kind === 'record') datagramOf(ev.record, out);
      else out.push(ev);
    }
    if (out.length > 0) yield out;
  }
  const last: DatagramEvent[] = [];
  if (lengthFromRecord.count > 0) {
    // once per file: an offloading host writes every large packet so
    last.push({
      kind: 'issue',
      issue: {
        file: file.path,
        frame: lengthFromRecord.first,
        message: `${lengthFromRecord.count === 1 ? '1 IP packet' : `${lengthFromRecord.count} IP packets`} had a length field of 0 (the first is frame ${lengthFromRecord.first}), as a capture on a host with segmentation offload (TSO/GSO) writes them; their length was taken from the record`,
        fatal: false,
      },
    });
  }
  if (firstTruncated !== undefined) {
    // once per file: a snap length cuts every large record, so one line says it all
    last.push({
      kind: 'issue',
      issue: {
        file: file.path,
        frame: firstTruncated,
        message: `${file.stats.truncatedRecords} records were cut short by the capture's snap length (the first is frame ${firstTruncated}); their packets are incomplete and cannot be decrypted`,
        fatal: false,
      },
    });
  }
  if (last.length > 0) yield last;
}

class UnknownLinkType extends Error {}

function toDatagram(rec: CaptureRecord, fragments: FragmentReassembler, lengthFromRecord: { count: number; first: number }): Datagram | null {
  const net = stripLinkLayer(rec.linkType, rec.data, rec.dataOffset);
  if (net.ipVersion === null) {
    if (net.reason.startsWith('link type')) throw new UnknownLinkType(net.reason);
    return null;
  }
  let ip: IpPacket = net.ipVersion === 4 ? readIpv4(net.reader) : readIpv6(net.reader);
  if (ip.lengthFromRecord && lengthFromRecord.count++ === 0) lengthFromRecord.first = rec.frame;
  let segment = ip.payload;
  if (ip.fragment) {
    if (ip.truncated) return null;
    const whole = fragments.add(ip.fragment.key, ip.fragment.offset, ip.fragment.more, ip.payload, rec.time);
    if (!whole) return null;
    segment = whole;
    ip = { ...ip, payload: whole };
  }
  if (ip.protocol !== IPPROTO_UDP) return null;
  const udp = readUdp(segment, ip.fragment ? rec.dataOffset : rec.dataOffset + (segment.byteOffset - rec.data.byteOffset));
  return {
    frame: rec.frame,
    time: rec.time,
    src: { ip: ip.src, port: udp.srcPort },
    dst: { ip: ip.dst, port: udp.dstPort },
    ipVersion: ip.version,
    ecn: ip.ecn,
    payload: udp.payload,
    truncated: udp.truncated || ip.truncated,
  };
}
