import type { ByteReader } from '../../wire/byte-reader.js';
import { WireError } from '../../wire/wire-error.js';

/** NEW_CONNECTION_ID (RFC 9000 §19.15): a CID the sender answers to, and its reset token */
export interface NewConnectionIdFrame {
  type: 'new_connection_id';
  sequence_number: number;
  retire_prior_to: number;
  connection_id: string;
  stateless_reset_token: string;
}

export function parseNewConnectionId(r: ByteReader): NewConnectionIdFrame {
  const sequence_number = r.varint('the sequence number');
  const at = r.absoluteOffset;
  const retire_prior_to = r.varint('Retire Prior To');
  if (retire_prior_to > sequence_number) {
    throw new WireError(`Retire Prior To ${retire_prior_to} is above the sequence number ${sequence_number}`, at);
  }
  const lengthAt = r.absoluteOffset;
  const length = r.u8('the connection ID length');
  if (length < 1 || length > 20) throw new WireError(`expected a connection ID length from 1 to 20, found ${length}`, lengthAt);
  return {
    type: 'new_connection_id',
    sequence_number,
    retire_prior_to,
    connection_id: r.bytes(length, `a connection ID of ${length} bytes`).toString('hex'),
    stateless_reset_token: r.bytes(16, 'the 16-byte stateless reset token').toString('hex'),
  };
}

export const summarizeNewConnectionId = (f: NewConnectionIdFrame) =>
  `NEW_CONNECTION_ID #${f.sequence_number} ${f.connection_id}${f.retire_prior_to ? ` retire <${f.retire_prior_to}` : ''}`;
