import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseClientHello } from '../../src/tls/client-hello.js';
import { StreamReassembler } from '../../src/quic/stream-reassembler.js';
import { HandshakeFramer, HandshakeType } from '../../src/tls/handshake-message.js';
import { cipherSuiteName, groupName } from '../../src/tls/names.js';
import { parseServerHello } from '../../src/tls/server-hello.js';
import { FIXTURES } from '../support/vectors.js';

// one message per file, with its 4-byte handshake header (test/fixtures/tls-messages, from aioquic's tests)
const message = (name: string) => readFileSync(join(FIXTURES, 'tls-messages', `${name}.bin`));

describe('TLS 1.3 hellos in CRYPTO frames (RFC 8446 §4.1.2, §4.1.3)', () => {
  it('reads a ClientHello with SNI: random, suites, groups, versions', () => {
    const [m] = new HandshakeFramer().push(message('tls_client_hello_with_sni'));
    expect(m!.type).toBe(HandshakeType.client_hello);
    const ch = parseClientHello(m!.body);
    expect(ch.random.toString('hex')).toBe('987d8934140b0a42cc5545071f3f9f7f61963d7b6404eb674c8dbe513604346b');
    expect(ch.cipherSuites.map(cipherSuiteName)).toEqual([
      'TLS_AES_256_GCM_SHA384',
      'TLS_AES_128_GCM_SHA256',
      'TLS_CHACHA20_POLY1305_SHA256',
    ]);
    expect(ch.serverName).toBe('cloudflare-quic.com');
    // TLS 1.3 and the draft versions 28, 27 and 26 of the time
    expect(ch.supportedVersions).toEqual([0x0304, 0x7f1c, 0x7f1b, 0x7f1a]);
    expect(ch.keyShareGroups.map(groupName)).toEqual(['secp256r1']);
    expect(ch.resumption).toBe(false);
  });

  it('sees ALPN and a resumption attempt', () => {
    const alpn = parseClientHello(new HandshakeFramer().push(message('tls_client_hello_with_alpn'))[0]!.body);
    expect(alpn.alpn).toEqual(['h3-19']);
    expect(alpn.resumption).toBe(false);
    const psk = parseClientHello(new HandshakeFramer().push(message('tls_client_hello_with_psk'))[0]!.body);
    expect(psk.serverName).toBe('test.privateoctopus.com');
    expect(psk.resumption).toBe(true);
    expect(psk.earlyData).toBe(true);
  });

  it('reads a ServerHello: the suite that sets the AEAD, and PSK acceptance', () => {
    const sh = parseServerHello(new HandshakeFramer().push(message('tls_server_hello'))[0]!.body);
    expect(cipherSuiteName(sh.cipherSuite)).toBe('TLS_AES_256_GCM_SHA384');
    expect(sh.selectedVersion).toBe(0x0304);
    expect(sh.helloRetryRequest).toBe(false);
    expect(parseServerHello(new HandshakeFramer().push(message('tls_server_hello_with_psk'))[0]!.body).pskAccepted).toBe(true);
  });

  it('frames messages split across fragments and delivers CRYPTO data in order once', () => {
    const ch = message('tls_client_hello_with_sni');
    const sh = message('tls_server_hello');
    const all = Buffer.concat([ch, sh]);
    const stream = new StreamReassembler();
    const framer = new HandshakeFramer();
    // out of order, overlapping and repeated, as Chromium shuffles its ClientHello
    const got = [
      ...framer.push(stream.push(100, all.subarray(100, 250))),
      ...framer.push(stream.push(0, all.subarray(0, 120))),
      ...framer.push(stream.push(0, all.subarray(0, 50))),
      ...framer.push(stream.push(250, all.subarray(250))),
    ];
    expect(got.map((m) => m.type)).toEqual([HandshakeType.client_hello, HandshakeType.server_hello]);
    expect(got[0]!.body.equals(ch.subarray(4))).toBe(true);
    expect(stream.offset).toBe(all.length);
  });

  it('drops data too far ahead of the gap instead of buffering it', () => {
    const stream = new StreamReassembler(1000);
    expect(stream.push(5000, Buffer.alloc(10)).length).toBe(0);
    expect(stream.push(0, Buffer.alloc(10)).length).toBe(10);
    expect(stream.offset).toBe(10);
  });
});
