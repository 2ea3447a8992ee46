import type { PacketRecord } from '../analysis/packet-record.js';
import { formatEndpoint } from '../capture/types.js';
import { frameToJson } from '../quic/frames/index.js';
import { formatVersion } from '../quic/versions.js';

/**
 * One packet as the JSON object design.md fixes for `packets --format ndjson`; docs/json.md
 * documents every field. Field order is stable so that diffs of outputs stay readable.
 */
export function packetToJson(p: PacketRecord): Record<string, unknown> {
  const h = p.header;
  const version = h.form === 'long' ? h.version : (h.version ?? p.connection.version);
  const o: Record<string, unknown> = {
    frame: p.frame,
    time: roundTime(p.time),
    connection: p.connection.id,
    direction: p.direction,
    src: p.src ? formatEndpoint(p.src) : null,
    dst: p.dst ? formatEndpoint(p.dst) : null,
    form: h.form,
    type: p.statelessReset ? 'stateless_reset' : h.type,
    // a log that left a field out: null, not a stand-in
    version: version === null || p.unlogged?.includes('version') ? null : formatVersion(version),
    dcid: p.unlogged?.includes('dcid') ? null : h.dcid.toString('hex'),
    scid: h.form === 'long' && !p.unlogged?.includes('scid') ? h.scid.toString('hex') : null,
    pn: p.pn,
    keyPhase: h.form === 'short' ? p.keyPhase : null,
    length: h.length,
    decrypted: p.decrypted,
    frames: p.frames.map(frameToJson),
  };
  if (p.retryIntegrity) o.retryIntegrity = p.retryIntegrity;
  if (p.gsoSegmentSize) o.gsoSegmentSize = p.gsoSegmentSize;
  if (p.pnSearched) o.pnSearched = true;
  if (p.pnRecovery) o.pnRecovery = p.pnRecovery;
  if (p.layoutOf !== undefined) o.layoutAssumed = formatVersion(p.layoutOf);
  if (h.form === 'long') {
    if (h.token !== undefined) o.token = h.token.toString('hex');
    if (h.integrityTag) o.integrityTag = h.integrityTag.toString('hex');
    if (h.supportedVersions) o.supportedVersions = h.supportedVersions.map(formatVersion);
  } else {
    o.spinBit = h.spinBit;
  }
  return o;
}

/** microseconds are what capture timestamps carry */
export function roundTime(t: number): number {
  return Math.round(t * 1e6) / 1e6;
}
