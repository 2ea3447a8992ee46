import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { Decryption } from '../../src/analysis/decryption.js';
import { emptyTlsFacts } from '../../src/analysis/tls-facts.js';
import { openCapture } from '../../src/capture/open-capture.js';
import { readDatagrams } from '../../src/capture/read-datagrams.js';
import type { Datagram } from '../../src/capture/types.js';
import { KeyLog } from '../../src/crypto/keylog.js';
import { DatagramDecoder } from '../../src/quic/decode-datagram.js';
import { REPO } from '../support/captures.js';

function connection(): Connection {
  return {
    id: 1, version: null, client: null, server: null, originalDcid: null, clientCids: new Set(), serverCids: new Set(),
    firstFrame: 1, firstTime: 0, lastTime: 0, packets: 0, roleSource: 'first_initial', clientInitialScid: null,
    serverInitialScid: null, retryScid: null, tls: emptyTlsFacts(), resetTokens: { client: new Set(), server: new Set() },
  };
}

/** captures/version-negotiation: frame 1 is a client Initial of reserved version 0x1a2a3a4a, frame 3 the v1 retry */
async function clientInitials(): Promise<Datagram[]> {
  const out: Datagram[] = [];
  for await (const ev of readDatagrams(await openCapture(join(REPO, 'captures', 'version-negotiation', 'version-negotiation.pcap')))) {
    if (ev.kind === 'datagram' && (ev.datagram.frame === 1 || ev.datagram.frame === 3)) out.push(ev.datagram);
  }
  return out;
}

describe('the ClientHello of the attempt that was used (RFC 9000 §6.2)', () => {
  it('a new hello under another version replaces the one the server answered with Version Negotiation', async () => {
    const [greased, v1] = await clientInitials();
    const decoder = new DatagramDecoder();
    const helloOf = (d: Datagram, dec: Decryption, conn: Connection) => {
      for (const h of decoder.decode(d)!.packets) dec.packet(conn, h, d.payload, 'client');
      return conn.tls;
    };
    const alone = [greased!, v1!].map((d) => helloOf(d, new Decryption(new KeyLog()), connection()).clientHello?.random.toString('hex'));
    expect(alone[0]).toBeDefined();
    expect(alone[1]).toBeDefined();
    expect(alone[0]).not.toBe(alone[1]);

    // both attempts in one connection, as when the client keeps its connection IDs
    const dec = new Decryption(new KeyLog());
    const conn = connection();
    helloOf(greased!, dec, conn);
    expect(conn.tls.clientHello?.random.toString('hex')).toBe(alone[0]);
    const tls = helloOf(v1!, dec, conn);
    expect(tls.clientHello?.random.toString('hex')).toBe(alone[1]);
    expect(tls.ja4).toMatch(/^q13d/);
  });
});
