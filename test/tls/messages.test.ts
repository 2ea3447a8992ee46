import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCertificate } from '../../src/tls/certificate.js';
import { parseEncryptedExtensions } from '../../src/tls/encrypted-extensions.js';
import { HandshakeFramer } from '../../src/tls/handshake-message.js';
import { parseNewSessionTicket } from '../../src/tls/new-session-ticket.js';
import { FIXTURES } from '../support/vectors.js';

const body = (name: string) => new HandshakeFramer().push(readFileSync(join(FIXTURES, 'tls-messages', `${name}.bin`)))[0]!.body;

describe('TLS 1.3 messages after the hellos (RFC 8446 §4.3–§4.6, from aioquic test data)', () => {
  it('EncryptedExtensions: the chosen ALPN and 0-RTT acceptance', () => {
    expect(parseEncryptedExtensions(body('tls_encrypted_extensions'))).toMatchObject({ earlyDataAccepted: false });
    expect(parseEncryptedExtensions(body('tls_encrypted_extensions'))).not.toHaveProperty('alpn');
    expect(parseEncryptedExtensions(body('tls_encrypted_extensions_with_alpn'))).toMatchObject({ alpn: 'hq-20', earlyDataAccepted: false });
    expect(parseEncryptedExtensions(body('tls_encrypted_extensions_with_alpn_and_early_data'))).toMatchObject({ alpn: 'hq-20', earlyDataAccepted: true });
  });

  it('Certificate: subject, SANs and validity read with node:crypto', () => {
    const c = parseCertificate(body('tls_certificate'))!;
    expect(c.chainLength).toBe(1);
    expect(c.subject).toContain('CN=');
    expect(c.validTo > c.validFrom).toBe(true);
  });

  it('NewSessionTicket: lifetime, the early-data limit QUIC requires, and an unknown extension passed over', () => {
    const plain = parseNewSessionTicket(body('tls_new_session_ticket'));
    expect(plain.lifetimeSeconds).toBeGreaterThan(0);
    // RFC 9001 §4.6.1: 0xffffffff when the ticket allows 0-RTT
    expect(plain.maxEarlyDataSize).toBe(0xffffffff);
    const other = parseNewSessionTicket(body('tls_new_session_ticket_with_unknown_extension'));
    expect(other.ticketLength).toBe(plain.ticketLength);
  });
});
