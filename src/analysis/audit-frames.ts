import { allowedIn } from '../quic/frames/index.js';
import type { Finding } from './finding.js';
import type { PacketRecord } from './packet-record.js';

/**
 * RFC 9000 §12.4: a frame in a packet type that may not carry it is a protocol violation
 * (PROTOCOL_VIOLATION). One finding per connection, packet type and frame type, so a
 * stack that does it on every packet is reported once.
 */
export class FramePermissionAudit {
  private readonly seen = new Set<string>();

  check(p: PacketRecord): Finding[] {
    const t = p.header.type;
    if (t !== 'initial' && t !== 'handshake' && t !== '0RTT' && t !== '1RTT') return [];
    const out: Finding[] = [];
    for (const f of p.frames) {
      if (allowedIn(f.type, t)) continue;
      const key = `${p.connection.id}/${t}/${f.type}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      out.push({
        severity: 'error',
        code: 'frame_not_allowed',
        connection: p.connection.id,
        frame: p.frame,
        message: `${p.direction} sent a ${f.type} frame in a ${t} packet (pn ${p.pn}), which RFC 9000 §12.4 does not allow`,
        evidence: 'proven',
      });
    }
    return out;
  }
}
