import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Connection } from '../../src/analysis/connection.js';
import { connectionCids, quicLbListeners, readCid } from '../../src/lb/decode-cids.js';
import { encodeQuicLbCid } from '../../src/lb/quic-lb/codec.js';
import { readLbConfig } from '../../src/lb/read-config.js';
import { toHex } from '../../src/wire/hex.js';
import { REPO } from '../support/captures.js';

const configFile = join(__dirname, 'configs', 'quic-lb.yaml');
const listener = quicLbListeners(readLbConfig(configFile).listeners)[0]!;
const [plain, encrypted] = listener.quicLb as [(typeof listener.quicLb)[0], (typeof listener.quicLb)[0]];
const cid = (c: typeof plain, sid: string, nonce: string) => toHex(encodeQuicLbCid(c, Buffer.from(sid, 'hex'), Buffer.from(nonce, 'hex')));

describe('reading a CID the way the QUIC-LB balancer would', () => {
  it('a plaintext CID gives its config, server ID, nonce and backend', () => {
    const text = cid(plain, 'd2e9a1', '0a0b0c0d');
    expect(readCid(listener, text)).toEqual({
      cid: text,
      configId: 0,
      serverId: 'd2e9a1',
      nonce: '0a0b0c0d',
      backend: '10.0.0.2:443',
      lengthEncoded: true,
      problem: null,
    });
  });
  it('an encrypted CID (config 1, with a key) hides its server ID, which the key recovers', () => {
    const text = cid(encrypted, 'ed793a', '01020304');
    expect(text).not.toContain('ed793a');
    expect(readCid(listener, text)).toMatchObject({ configId: 1, serverId: 'ed793a', nonce: '01020304', backend: '10.0.0.1:443' });
  });
  it('colons and upper case are accepted; what is not hex, or too long, is said so', () => {
    const text = cid(plain, 'c4605e', '00000001');
    expect(readCid(listener, text.toUpperCase().match(/../g)!.join(':')).backend).toBe('10.0.0.1:443');
    expect(readCid(listener, 'xyz').problem).toMatch(/not a connection ID in hex/);
    expect(readCid(listener, 'aa'.repeat(21)).problem).toMatch(/at most 20 bytes/);
  });
  it('a server ID no server owns, and a config id no config has, are problems, not guesses', () => {
    expect(readCid(listener, cid(plain, '000001', '00000000')).problem).toMatch(/server ID 000001 \(config 0\) belongs to no server/);
    expect(readCid(listener, '5f0102030405060708').problem).toMatch(/config id 2/);
  });
});

function connection(serverCids: string[], originalDcid: string): Connection {
  return { id: 7, client: { ip: '192.0.2.1', port: 5000 }, server: { ip: '198.51.100.1', port: 443 }, originalDcid, serverCids: new Set([originalDcid, ...serverCids]) } as unknown as Connection;
}

describe("a connection's issued CIDs", () => {
  it('all leading to one server: one_server, and the client-chosen first DCID is left out', () => {
    const c = connectionCids(listener, connection([cid(plain, 'c4605e', '00000001'), cid(encrypted, 'ed793a', '0000000a')], '8394c8f03e515708'));
    expect(c.cids.map((r) => r.serverId)).toEqual(['c4605e', 'ed793a']);
    expect(c).toMatchObject({ verdict: 'one_server', servers: ['10.0.0.1:443'], client: '192.0.2.1:5000' });
  });
  it('leading to two servers: several_servers, with both named', () => {
    const c = connectionCids(listener, connection([cid(plain, 'c4605e', '00000001'), cid(plain, 'd2e9a1', '00000002')], 'aa'));
    expect(c).toMatchObject({ verdict: 'several_servers', servers: ['10.0.0.1:443', '10.0.0.2:443'] });
  });
  it('a server that issues only zero-length CIDs leaves nothing to route by', () => {
    expect(connectionCids(listener, connection([''], 'aa')).verdict).toBe('no_cids');
  });
});

describe('quiclens lb decode', () => {
  const cli = (...args: string[]) => spawnSync('node', [join(REPO, 'bin/quiclens.js'), 'lb', 'decode', ...args], { encoding: 'utf8' });
  it('decodes CIDs named on the command line, exit 0 when each leads to a server', () => {
    const r = cli('--config', configFile, cid(plain, 'c4605e', '00000001'), '--format', 'json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).cids[0]).toMatchObject({ serverId: 'c4605e', backend: '10.0.0.1:443' });
  });
  it("ngtcp2's random CIDs (captures/handshake) are not QUIC-LB CIDs: exit 1, each connection judged", () => {
    const dir = join(REPO, 'captures', 'handshake');
    const r = cli('--config', configFile, '--capture', join(dir, 'handshake.pcap'), '--keylog', join(dir, 'keys.log'), '--format', 'json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.capture.connections).toHaveLength(1);
    // the server's Initial SCID and the CIDs of its NEW_CONNECTION_ID frames: decrypted with the key log
    expect(doc.capture.connections[0].cids.length).toBeGreaterThan(1);
    expect(doc.capture.connections[0].verdict).not.toBe('one_server');
  });
  it('text that is no CID is bad input (exit 2), not a CID that leads nowhere (exit 1)', () => {
    const r = cli('--config', configFile, 'zz12', '--no-color');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/'zz12' is not a connection ID in hex/);
    expect(cli('--config', configFile, '0102030405', '--no-color').status).toBe(1);
  });
  it('a config that is not QUIC-LB: exit 2 with the file named', () => {
    const r = cli('--config', join(__dirname, 'configs', 'nginx-stream-rr.conf'), '01');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/nginx-stream-rr\.conf.*expected a QUIC-LB config/);
  });
});
