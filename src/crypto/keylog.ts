/**
 * TLS key logs in the NSS key log format (SSLKEYLOGFILE): `LABEL <client random> <secret>`
 * per line, `#` comments. Secrets are found by the ClientHello random, so one log serves
 * many connections and several logs one capture. The QUIC_-prefixed labels of early QUIC
 * drafts' tooling name the same secrets.
 */

/** The TLS 1.3 traffic secrets QUIC packet protection is derived from (RFC 8446 §7.1). */
export interface TlsSecrets {
  clientHandshake?: Buffer;
  serverHandshake?: Buffer;
  /** the first application traffic secrets; key updates derive the rest (RFC 9001 §6) */
  client0?: Buffer;
  server0?: Buffer;
  /** 0-RTT */
  clientEarly?: Buffer;
}

export interface KeyLogProblem {
  /** 1-based */
  line: number;
  message: string;
}

export interface ParsedKeyLog {
  keyLog: KeyLog;
  problems: KeyLogProblem[];
}

const LABELS: Record<string, keyof TlsSecrets> = {
  CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshake',
  SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshake',
  CLIENT_TRAFFIC_SECRET_0: 'client0',
  SERVER_TRAFFIC_SECRET_0: 'server0',
  CLIENT_EARLY_TRAFFIC_SECRET: 'clientEarly',
  QUIC_CLIENT_HANDSHAKE_TRAFFIC_SECRET: 'clientHandshake',
  QUIC_SERVER_HANDSHAKE_TRAFFIC_SECRET: 'serverHandshake',
  QUIC_CLIENT_TRAFFIC_SECRET_0: 'client0',
  QUIC_SERVER_TRAFFIC_SECRET_0: 'server0',
  QUIC_CLIENT_EARLY_TRAFFIC_SECRET: 'clientEarly',
};
/** valid labels of no use to QUIC: TLS 1.2 master secrets (CLIENT_RANDOM, RSA) and exporters */
const IGNORED = new Set(['CLIENT_RANDOM', 'RSA', 'EXPORTER_SECRET', 'EARLY_EXPORTER_SECRET', 'EARLY_EXPORTER_MASTER_SECRET']);

const CLIENT_RANDOM = /^[0-9a-fA-F]{64}$/;
/** TLS 1.3 secrets are a hash long: 32 or 48 bytes with today's suites; allow 16 to 64 */
const SECRET = /^(?:[0-9a-fA-F]{2}){16,64}$/;

/**
 * The longest line a key log may have. The longest valid line (a QUIC_-prefixed label, a
 * 64-digit random and a 64-byte secret) is about 230 bytes; a longer one means the file is
 * not a key log (or is `/dev/zero`), and it is not read on.
 */
export const KEYLOG_MAX_LINE_BYTES = 1024;
/** The most bytes read of one key log: about a million secrets, far beyond a real one. */
export const KEYLOG_MAX_BYTES = 256 * 1024 * 1024;

/** pcapng Decryption Secrets Block type for a TLS key log ('TLSK', pcapng §4.7) */
export const SECRETS_TYPE_TLS_KEYLOG = 0x544c534b;

/** what a message shows of an unexpected field: its start, marked when cut */
function shown(s: string, max = 20): string {
  // a binary file's bytes are not printed to the terminal as they are
  const cut = (s.length > max ? s.slice(0, max) : s).replace(/[^\x20-\x7e]/g, '?');
  return `'${cut}${s.length > max ? '…' : ''}'`;
}

function asText(input: string | Uint8Array): string {
  const text = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength).toString('utf8');
  // a byte-order mark, read as UTF-8 or (as the CLI reads files) as Latin-1
  if (text.startsWith('\ufeff')) return text.slice(1);
  if (text.startsWith('\u00ef\u00bb\u00bf')) return text.slice(3);
  return text;
}

/**
 * The secrets of a key log, by lowercase hex client random. A Map, so callers iterate it as
 * one; `add` and `merge` fold more logs into it, later lines winning for the same secret.
 */
export class KeyLog extends Map<string, TlsSecrets> {
  /** the client randoms `lookup` found, so a caller can tell a key log that served no connection */
  readonly matched = new Set<string>();

  /** adds the lines of one key log (text, or the bytes of a file or TLSK block); returns the lines it could not read */
  add(input: string | Uint8Array): KeyLogProblem[] {
    const problems: KeyLogProblem[] = [];
    const lines = asText(input).split(/\r?\n/);
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim();
      if (line === '' || line.startsWith('#')) continue;
      const problem = this.addLine(line);
      if (problem) problems.push({ line: i + 1, message: problem });
    }
    return problems;
  }

  /** one non-comment line; the problem with it, if any */
  private addLine(line: string): string | undefined {
    const [label = '', random = '', secret = '', ...extra] = line.split(/\s+/);
    if (IGNORED.has(label)) return undefined;
    // an own property only: a label such as `constructor` must not find Object's members
    const field = Object.hasOwn(LABELS, label) ? LABELS[label] : undefined;
    if (!field) return `unknown label ${shown(label, 40)}`;
    if (!CLIENT_RANDOM.test(random)) return `expected a 64-digit hex client random, found ${random ? shown(random) : 'nothing'}`;
    if (!SECRET.test(secret)) return `expected a hex secret of 16 to 64 bytes after the client random, found ${secret ? shown(secret) : 'nothing'}`;
    if (extra.length > 0) return `expected the end of the line after the secret, found ${shown(extra.join(' '))}`;
    const key = random.toLowerCase();
    const entry = this.get(key) ?? {};
    entry[field] = Buffer.from(secret, 'hex');
    this.set(key, entry);
    return undefined;
  }

  /** folds another key log into this one */
  merge(other: ReadonlyMap<string, TlsSecrets>): this {
    for (const [random, secrets] of other) this.set(random, { ...this.get(random), ...secrets });
    return this;
  }

  /** the secrets of the connection whose ClientHello carried this random (RFC 8446 §4.1.2) */
  lookup(clientRandom: Buffer | string): TlsSecrets | undefined {
    const key = typeof clientRandom === 'string' ? clientRandom.toLowerCase() : clientRandom.toString('hex');
    const secrets = this.get(key);
    if (secrets) this.matched.add(key);
    return secrets;
  }
}

/** one key log's text or bytes, read into a new KeyLog */
export function parseKeyLog(input: string | Uint8Array): ParsedKeyLog {
  const keyLog = new KeyLog();
  return { keyLog, problems: keyLog.add(input) };
}

/** several key logs as one; the later ones win where two give the same secret */
export function mergeKeyLogs(...logs: readonly ReadonlyMap<string, TlsSecrets>[]): KeyLog {
  const merged = new KeyLog();
  for (const log of logs) merged.merge(log);
  return merged;
}

/**
 * A pcapng Decryption Secrets Block's secrets (pcapng §4.7): a TLSK block holds key-log
 * text; undefined for other secret types (WireGuard, ZigBee, …), which QUIC cannot use.
 */
export function parseDecryptionSecrets(secretsType: number, data: Uint8Array): ParsedKeyLog | undefined {
  return secretsType === SECRETS_TYPE_TLS_KEYLOG ? parseKeyLog(data) : undefined;
}
