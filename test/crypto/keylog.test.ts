import { describe, expect, it } from 'vitest';
import { KeyLog, mergeKeyLogs, parseDecryptionSecrets, parseKeyLog, SECRETS_TYPE_TLS_KEYLOG, type TlsSecrets } from '../../src/crypto/keylog.js';

const R1 = 'aa'.repeat(32);
const R2 = 'bb'.repeat(32);
const secret = (byte: string, n = 32) => byte.repeat(n);

describe('key logs (NSS key log format)', () => {
  it('reads every TLS 1.3 label, in both the current and the QUIC_-prefixed style', () => {
    const { keyLog, problems } = parseKeyLog(
      [
        `CLIENT_HANDSHAKE_TRAFFIC_SECRET ${R1} ${secret('01')}`,
        `SERVER_HANDSHAKE_TRAFFIC_SECRET ${R1} ${secret('02')}`,
        `CLIENT_TRAFFIC_SECRET_0 ${R1} ${secret('03')}`,
        `SERVER_TRAFFIC_SECRET_0 ${R1} ${secret('04')}`,
        `CLIENT_EARLY_TRAFFIC_SECRET ${R1} ${secret('05')}`,
        `QUIC_CLIENT_HANDSHAKE_TRAFFIC_SECRET ${R2} ${secret('11', 48)}`,
        `QUIC_SERVER_HANDSHAKE_TRAFFIC_SECRET ${R2} ${secret('12', 48)}`,
        `QUIC_CLIENT_TRAFFIC_SECRET_0 ${R2} ${secret('13', 48)}`,
        `QUIC_SERVER_TRAFFIC_SECRET_0 ${R2} ${secret('14', 48)}`,
        `QUIC_CLIENT_EARLY_TRAFFIC_SECRET ${R2} ${secret('15', 48)}`,
      ].join('\n'),
    );
    expect(problems).toEqual([]);
    const hexOf = (s: TlsSecrets | undefined) =>
      Object.fromEntries(Object.entries(s ?? {}).map(([k, v]) => [k, v?.toString('hex').slice(0, 2)]));
    expect(hexOf(keyLog.lookup(Buffer.from(R1, 'hex')))).toEqual({ clientHandshake: '01', serverHandshake: '02', client0: '03', server0: '04', clientEarly: '05' });
    expect(hexOf(keyLog.get(R2))).toEqual({ clientHandshake: '11', serverHandshake: '12', client0: '13', server0: '14', clientEarly: '15' });
    expect(keyLog.get(R2)?.client0).toHaveLength(48);
  });

  it('skips comments, blank lines, CRLF, TLS 1.2 and exporter lines; finds the random in any case', () => {
    const { keyLog, problems } = parseKeyLog(
      [
        '\ufeff# written by ngtcp2',
        '',
        `   EXPORTER_SECRET ${R1} ${secret('09')}`,
        `CLIENT_RANDOM ${R1} ${secret('04', 48)}`,
        `SERVER_TRAFFIC_SECRET_0 ${R1.toUpperCase()} ${secret('02')}  `,
        '',
      ].join('\r\n'),
    );
    expect(problems).toEqual([]);
    expect([...keyLog.keys()]).toEqual([R1]);
    expect(keyLog.lookup(R1.toUpperCase())?.server0?.toString('hex')).toBe(secret('02'));
    expect(keyLog.get(R1)?.client0).toBeUndefined();
  });

  it('names each bad line by number and says what was expected; keeps the good lines', () => {
    const { keyLog, problems } = parseKeyLog(
      [
        '# a comment',
        `CLIENT_TRAFFIC_SECRET_0 ${R1} ${secret('01')}`,
        `CLIENT_TRAFFIC_SECRET_0 zz${R2.slice(2)} ${secret('05')}`,
        `CLIENT_TRAFFIC_SECRET_0 ${R2}`,
        `SERVER_TRAFFIC_SECRET_0 ${R2} 0x1234`,
        `SERVER_TRAFFIC_SECRET_0 ${R2} ${secret('06')} extra`,
        `FANCY_SECRET ${R1} 00`,
        `SERVER_TRAFFIC_SECRET_0 ${R2} ${secret('07')}`,
      ].join('\n'),
    );
    expect(problems).toEqual([
      { line: 3, message: `expected a 64-digit hex client random, found 'zz${'b'.repeat(18)}…'` },
      { line: 4, message: 'expected a hex secret of 16 to 64 bytes after the client random, found nothing' },
      { line: 5, message: "expected a hex secret of 16 to 64 bytes after the client random, found '0x1234'" },
      { line: 6, message: "expected the end of the line after the secret, found 'extra'" },
      { line: 7, message: "unknown label 'FANCY_SECRET'" },
    ]);
    expect(keyLog.get(R1)?.client0?.toString('hex')).toBe(secret('01'));
    expect(keyLog.get(R2)).toEqual({ server0: Buffer.from(secret('07'), 'hex') });
  });

  it('merges several logs into one, by client random and by secret', () => {
    const a = parseKeyLog(`CLIENT_TRAFFIC_SECRET_0 ${R1} ${secret('01')}\n`).keyLog;
    const b = parseKeyLog(`SERVER_TRAFFIC_SECRET_0 ${R1} ${secret('02')}\nCLIENT_TRAFFIC_SECRET_0 ${R2} ${secret('03')}\n`).keyLog;
    const merged = mergeKeyLogs(a, b);
    expect(merged.size).toBe(2);
    expect(merged.get(R1)?.client0?.toString('hex')).toBe(secret('01'));
    expect(merged.get(R1)?.server0?.toString('hex')).toBe(secret('02'));
    expect(a.get(R1)?.server0).toBeUndefined(); // the inputs are left as they were

    // adding more text to one KeyLog merges the same way
    const log = new KeyLog();
    log.add(`CLIENT_TRAFFIC_SECRET_0 ${R1} ${secret('01')}`);
    log.add(`CLIENT_EARLY_TRAFFIC_SECRET ${R1} ${secret('06')}`);
    expect(Object.keys(log.get(R1)!)).toEqual(['client0', 'clientEarly']);
  });

  it('reads a pcapng Decryption Secrets Block of type TLSK (0x544c534b) and ignores other types', () => {
    const data = new TextEncoder().encode(`SERVER_HANDSHAKE_TRAFFIC_SECRET ${R2} ${secret('0a')}\n`);
    expect(SECRETS_TYPE_TLS_KEYLOG).toBe(0x544c534b);
    const parsed = parseDecryptionSecrets(SECRETS_TYPE_TLS_KEYLOG, data)!;
    expect(parsed.problems).toEqual([]);
    expect(parsed.keyLog.get(R2)?.serverHandshake?.toString('hex')).toBe(secret('0a'));
    expect(parseDecryptionSecrets(0x57474b4c /* WGKL */, data)).toBeUndefined();
    expect(new KeyLog().add(Buffer.from(data)).length).toBe(0);
  });
});
