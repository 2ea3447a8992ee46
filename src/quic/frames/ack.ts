import type { ByteReader } from '../../wire/byte-reader.js';
import { WireError } from '../../wire/wire-error.js';

/**
 * ACK and ACK_ECN (RFC 9000 §19.3). `acked_ranges` are qlog's [smallest, largest] pairs,
 * largest first as on the wire. `raw_ack_delay` is the field as sent; `ack_delay` (qlog's,
 * in milliseconds) needs the sender's ack_delay_exponent from its transport parameters, so
 * the analysis fills it in (see scaleAckDelay).
 */
export interface AckFrame {
  type: 'ack';
  raw_ack_delay: number;
  ack_delay?: number;
  acked_ranges: [number, number][];
  ect0?: number;
  ect1?: number;
  ce?: number;
}

export function parseAck(r: ByteReader, frameType: number): AckFrame {
  const at = r.absoluteOffset;
  let largest = r.varint('the Largest Acknowledged');
  const raw_ack_delay = r.varint('the ACK Delay');
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
  const f: AckFrame = { type: 'ack', raw_ack_delay, acked_ranges };
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

/**
 * qlog's ack_delay in milliseconds: the raw field times 2^exponent microseconds, with the
 * ack_delay_exponent of the ACK's sender (RFC 9000 §19.3, §18.2: 3 when not sent).
 */
export function scaleAckDelay(f: AckFrame, exponent: number): void {
  f.ack_delay = (f.raw_ack_delay * 2 ** exponent) / 1000;
}
