import { copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyseInputs } from '../../src/cli/analyse-inputs.js';
import { historyString } from '../../src/report/conn-history.js';
import { connRecords, type ConnRecord } from '../../src/report/conn-log.js';
import { connTsvHeader, connTsvLine } from '../../src/report/conn-tsv.js';
import { REPO } from '../support/captures.js';

const capture = (s: string) => join(REPO, 'captures', s, `${s}.pcap`);
const keys = (s: string) => join(REPO, 'captures', s, 'keys.log');

async function records(inputs: string[], keylog: string[] = []): Promise<ConnRecord[]> {
  const { view } = await analyseInputs({ inputs, keylog, port: [], format: 'json', color: false });
  return connRecords(view);
}

describe('the conn log of captures/multi (three clients at once), with its key log', async () => {
  const rs = await records([capture('multi')], [keys('multi')]);

  it('has one record per connection with its endpoints, times, version, TLS names and CIDs', () => {
    expect(rs).toHaveLength(3);
    expect(rs[0]).toMatchObject({
      connection: 1,
      clientAddr: '127.0.0.1',
      clientPort: 53165,
      serverAddr: '127.0.0.1',
      serverPort: 4433,
      // the pcap's own timestamps of the first and last packet
      start: 1795578039.461459,
      end: 1795578039.48652,
      durationMs: 25.061,
      version: '0x00000001',
      sni: 'localhost',
      alpn: 'h3',
      ja4: 'q13d0415h3_9caa18292e23_84684a673e38',
      originalDcid: 'ee0b69e13b67effe69b24cfb641b65584bce',
      handshakeMs: 23.063,
      roundTrips: 1,
      zeroRtt: 'none',
      migrations: 0,
      ended: 'connection_close',
      result: 'completed',
      resultReason: "the client's Finished (frame 10)",
      findings: [],
      unknown: {},
    });
    expect(rs[0]!.clientCids).toHaveLength(7);
    expect(rs[0]!.serverCids[0]).toBe(rs[0]!.originalDcid);
    expect(rs.map((r) => r.clientPort)).toEqual([53165, 35530, 55111]);
  });

  it("counts each side's packets and bytes; the bytes agree with tshark's UDP payload sums", () => {
    // tshark -r captures/multi/multi.pcap -T fields -e udp.srcport -e udp.dstport -e udp.length,
    // summed per sender (udp.length less its 8-byte header): 5095/25371, 5139/25327, 5184/25367.
    // Packets are QUIC packets: a datagram of coalesced packets counts each (tshark: 10 and 20 datagrams for connection 1)
    expect(rs.map((r) => [r.clientPackets, r.clientBytes, r.serverPackets, r.serverBytes])).toEqual([
      [11, 5095, 22, 25371],
      [12, 5139, 21, 25327],
      [13, 5184, 22, 25367],
    ]);
  });

  it("writes each handshake's milestones as letters: client upper case, server lower case", () => {
    // client Initial, server Initial, server Handshake, server 1-RTT, client Finished, client 1-RTT, HANDSHAKE_DONE, NEW_TOKEN, client CONNECTION_CLOSE
    expect(rs.map((r) => r.history)).toEqual(['IihtHTdnC', 'IihtHTdnC', 'IihtHTdnC']);
  });

  it('gives each connection its own uid, the same on every run and under any file name', async () => {
    expect(rs.map((r) => r.uid)).toEqual(['Qb374eafa079b7397fee2', 'Q1b046439530190650a3a', 'Q23e1b7cafe69010eb64f']);
    const renamed = join(mkdtempSync(join(tmpdir(), 'quiclens-uid-')), 'renamed.pcap');
    copyFileSync(capture('multi'), renamed);
    expect((await records([renamed])).map((r) => r.uid)).toEqual(rs.map((r) => r.uid));
  });
});

describe('history letters and results of the sample scenarios', () => {
  it.each([
    ['retry', 'IrIihtHTdnC'], // the server's Retry, then the client's Initial again with the token
    ['version-negotiation', 'IvIihtHTdnC'],
    ['wifi-to-lte', 'IihtHTdnMC'], // the client's move to its LTE address
    ['preferred-address', 'IihtHTdnmC'], // the server's move to its preferred address
    ['key-update', 'IihtHTdnKkC'], // the client updates its keys, the server follows
    ['nginx-lb', 'IihtHTdnM'], // no close: the connection idled after the backend lost it
  ])('%s: %s', async (scenario, history) => {
    const [r] = await records([capture(scenario)], [keys(scenario)]);
    expect(r!.history).toBe(history);
  });

  it('zero-rtt: the resumed connection sends 0-RTT (Z), accepted', async () => {
    const rs = await records([capture('zero-rtt')], [keys('zero-rtt')]);
    expect(rs.map((r) => [r.history, r.zeroRtt])).toEqual([
      ['IihtHTdnC', 'none'],
      ['IZihtHTdnC', 'accepted'],
    ]);
  });

  it('a capture that holds only a ClientHello: failed within the capture, and says the server sent nothing', async () => {
    const [r] = await records([join(REPO, 'test/fixtures/captures-ext/quic-tls-handshake.pcapng')]);
    expect(r).toMatchObject({ history: 'I', result: 'failed', resultReason: 'no Finished and no 1-RTT packet from the client in the capture, and nothing from the server', serverPackets: 0, sni: 'www.google.com' });
  });
});

describe('the conn log without keys: unknown fields are null with why, never guessed', async () => {
  const rs = await records([capture('zero-rtt')]);

  it('proves the handshake completed from the headers, and says why its time and the 0-RTT verdict are unknown', () => {
    const r = rs[1]!;
    expect(r).toMatchObject({ history: 'IZihtT', result: 'completed', resultReason: "by frame 34: the client sends 1-RTT only once it has the server's Finished", handshakeMs: null, zeroRtt: null, alpn: null, ended: null, sni: 'localhost' });
    expect(Object.keys(r.unknown).sort()).toEqual(['alpn', 'ended', 'handshakeMs', 'zeroRtt']);
    expect(r.unknown.zeroRtt).toBe("the server's EncryptedExtensions, which says, was not read (it travels in an encrypted Handshake packet)");
    expect(r.unknown.handshakeMs).toMatch(/^the client's Finished is in a Handshake packet not read \(encrypted: no key log/);
    // the byte counts need no keys
    expect([r.clientPackets, r.clientBytes, r.serverPackets, r.serverBytes]).toEqual([11, 4737, 23, 24686]);
  });

  it('writes unknown as - and read-but-absent as (empty) in the TSV', () => {
    const header = connTsvHeader().trimEnd().split('\n');
    const fields = header.find((l) => l.startsWith('#fields\t'))!.split('\t').slice(1);
    const line = connTsvLine(rs[1]!).trimEnd().split('\t');
    expect(line).toHaveLength(fields.length);
    const at = (name: string) => line[fields.indexOf(name)];
    expect(at('alpn')).toBe('-');
    expect(at('handshakeMs')).toBe('-');
    expect(at('zeroRtt')).toBe('-');
    expect(at('findings')).toBe('zero_rtt_unaudited');
    expect(at('unknown')).toBe('alpn,handshakeMs,zeroRtt,ended');
    // frame 31's timestamp (tshark -T fields -e frame.time_epoch: 1795578018.370110000)
    expect(at('start')).toBe('1795578018.370110');
    expect(at('history')).toBe('IZihtT');
  });
});

describe('the TSV conn log', () => {
  const base: ConnRecord = {
    uid: 'Q00000000000000000000', connection: 1, start: 1, end: 2, durationMs: 1000, clientAddr: '10.0.0.1', clientPort: 1, serverAddr: '10.0.0.2', serverPort: 443,
    version: '0x00000001', sni: null, alpn: null, ja4: null, originalDcid: null, clientCids: [], serverCids: [], history: '', clientPackets: 0, clientBytes: 0,
    serverPackets: 0, serverBytes: 0, handshakeMs: null, roundTrips: null, zeroRtt: 'none', migrations: 0, ended: null, result: 'unknown', resultReason: '', findings: [], unknown: {},
  };

  it("has Zeek's header block: separator, set separator, the two markers, path, fields and types", () => {
    const h = connTsvHeader().trimEnd().split('\n');
    expect(h.slice(0, 5)).toEqual(['#separator \\x09', '#set_separator\t,', '#empty_field\t(empty)', '#unset_field\t-', '#path\tquic_conn']);
    const fields = h[5]!.split('\t');
    const types = h[6]!.split('\t');
    expect(fields[0]).toBe('#fields');
    expect(types[0]).toBe('#types');
    expect(fields.length).toBe(types.length);
    expect(fields.slice(1, 8)).toEqual(['start', 'uid', 'connection', 'clientAddr', 'clientPort', 'serverAddr', 'serverPort']);
    expect(types.slice(1, 8)).toEqual(['time', 'string', 'count', 'addr', 'port', 'addr', 'port']);
  });

  it('escapes what the wire may carry, so one line stays one record and a dash stays a value', () => {
    const line = connTsvLine({ ...base, sni: 'evil\texample\n.com', alpn: '-', ja4: '(empty)', clientCids: ['a,b'], resultReason: 'back\\slash' });
    const cells = line.trimEnd().split('\t');
    expect(line.split('\n')).toHaveLength(2);
    expect(cells).toContain('evil\\x09example\\x0a.com');
    expect(cells).toContain('\\x2d');
    expect(cells).toContain('\\x28empty)');
    expect(cells).toContain('a\\x2cb');
    expect(cells).toContain('back\\x5cslash');
  });

  it('writes a null that is not unknown as (empty), an unknown one as -', () => {
    const cells = connTsvLine({ ...base, unknown: { sni: 'not read' } }).trimEnd().split('\t');
    expect(cells[10]).toBe('-'); // sni
    expect(cells[11]).toBe('(empty)'); // alpn: absent, not unknown
  });
});

describe('historyString', () => {
  it('sorts by time and frame, and leaves out events without a letter', () => {
    expect(
      historyString([
        { time: 0.5, frame: 9, by: 'client', event: 'connection_close' },
        { time: 0, frame: 1, by: 'client', event: 'client_initial' },
        { time: 0.2, frame: 4, by: 'client', event: 'handshake_complete' },
        { time: 0.3, frame: 6, by: 'client', event: 'migration' },
        { time: 0.1, frame: 2, by: 'server', event: 'server_initial' },
      ]),
    ).toBe('IiMC');
  });
});
