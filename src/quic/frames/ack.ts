import type { ByteReader } from '../../wire/byte-reader.js';
import { WireError } from '../../wire/wire-error.js';

/**
 * ACK and ACK_ECN (RFC 9000 §19.3). `acked_ranges` are qlog's [smallest, largest] pairs,
 * largest first as on the wire. `ack_delay` is the raw field: scaling by the peer's
 * ack_delay_exponent needs its transport parameters, known only to the analysis.
 */
export interface AckFrame {
  type: 'ack';
  ack_delay: number;
  acked_ranges: [number, number][];
  ect0?: number;
  ect1?: number;
  ce?: number;
}

export function parseAck(r: ByteReader, frameType: number): AckFrame {
  const at = r.absoluteOffset;
  let largest = r.varint('the Largest Acknowledged');
  const ack_delay = r.varint('the ACK Delay');
  const count = r.varint('the ACK Range Count');
  let first = r.varint('the First ACK Range');
  const acked_ranges: [number, number][] = [];
  // §19.3.1: each range runs down from its largest; gaps and lengths count down from there
  for (let i = 0; ; i++) {
    const smallest = largest - first;
    if (smallest < 0) throw new WireError(`ACK range ${i} goes below packet number 0`, at);
    acked_ranges.push([smallest, largest]);
    if (i === count) break;
    const gap = r.varint('an ACK Gap');
    first = r.varint('an ACK Range Length');
    largest = smallest - gap - 2;
    if (largest < 0) throw new WireError(`ACK gap ${i + 1} goes below packet number 0`, at);
  }
  const f: AckFrame = { type: 'ack', ack_delay, acked_ranges };
  if (frameType === 0x03) {
    f.ect0 = r.varint('the ECT(0) count');
    f.ect1 = r.varint('the ECT(1) count');
    f.ce = r.varint('the ECN-CE count');
  }
  return f;
}

export function summarizeAck(f: AckFrame): string {
  const ranges = [...f.acked_ranges].reverse().map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`));
  return `ACK ${ranges.join(',')}${f.ce !== undefined ? ` ECN ${f.ect0}/${f.ect1}/${f.ce}` : ''}`;
}
