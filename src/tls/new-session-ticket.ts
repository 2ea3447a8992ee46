import { ByteReader } from '../wire/byte-reader.js';
import { ExtensionType, readExtensions } from './extensions.js';

/** NewSessionTicket (RFC 8446 §4.6.1): what the next connection may resume with. */
export interface NewSessionTicket {
  lifetimeSeconds: number;
  ticketLength: number;
  /** the early_data extension's limit; RFC 9001 §4.6.1 demands 0xffffffff in QUIC */
  maxEarlyDataSize?: number;
}

export function parseNewSessionTicket(body: Buffer, base = 0): NewSessionTicket {
  const r = new ByteReader(body, base);
  const lifetimeSeconds = r.u32('ticket_lifetime');
  r.u32('ticket_age_add');
  r.skip(r.u8('the ticket_nonce length'), 'ticket_nonce');
  const ticketLength = r.u16('the ticket length');
  r.skip(ticketLength, 'the ticket');
  const t: NewSessionTicket = { lifetimeSeconds, ticketLength };
  for (const e of readExtensions(r)) {
    if (e.type === ExtensionType.early_data && e.data.length >= 4) t.maxEarlyDataSize = e.data.readUInt32BE(0);
  }
  return t;
}
