/**
 * The GSO heuristic. With UDP generic segmentation offload (Linux UDP_SEGMENT) a sender
 * hands the kernel one buffer holding several datagrams of one segment size back to back;
 * a capture taken on the sending host sees that buffer as a single UDP payload. A
 * short-header packet has no length, so read naively it swallows all the segments after it.
 *
 * The sign of such a super-datagram: the packet's DCID appears again, at the start of a
 * short header, at every multiple of one segment size. `findSegmentSize` looks for that
 * size; a DCID of at least 4 bytes recurring at every boundary by chance is not a real
 * risk. Zero-length or very short DCIDs give no such sign, and nothing is split.
 */
const MIN_DCID = 4;
const MIN_PROTECTED = 4 + 16;

/**
 * `payload` is the whole UDP payload; the short header at `start` (DCID `dcid`) runs to its
 * end. Returns the segment size when every segment boundary after `start` begins a short
 * header with the same DCID, else null.
 */
export function findSegmentSize(payload: Buffer, start: number, dcid: Buffer): number | null {
  if (dcid.length < MIN_DCID) return null;
  for (let at = payload.indexOf(dcid, start + 2); at > 0; at = payload.indexOf(dcid, at + 1)) {
    const size = at - 1; // a segment starts one byte (the flags) before its DCID
    // the first segment must hold a whole short packet from `start`: the header, the
    // 4 bytes header protection assumes and its 16-byte sample (RFC 9001 §5.4.2); a DCID
    // met closer than that is inside random padding, not at a segment boundary
    if (size - start < 1 + dcid.length + MIN_PROTECTED) continue;
    if (everyBoundaryMatches(payload, size, dcid)) return size;
  }
  return null;
}

function everyBoundaryMatches(payload: Buffer, size: number, dcid: Buffer): boolean {
  for (let seg = size; seg < payload.length; seg += size) {
    const first = payload[seg]!;
    // a short header (high bit clear), whatever its fixed bit (RFC 9287 may grease it)
    if ((first & 0x80) !== 0) return false;
    // each segment, the last too, is a whole short packet
    if (seg + 1 + dcid.length + MIN_PROTECTED > payload.length) return false;
    if (!payload.subarray(seg + 1, seg + 1 + dcid.length).equals(dcid)) return false;
  }
  return true;
}
