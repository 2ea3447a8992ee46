/**
 * TLS key logs in the NSS key log format (SSLKEYLOGFILE): `LABEL <client random> <secret>`
 * per line. Secrets are found by the ClientHello random, so one log can serve many
 * connections and several logs one capture. The older QUIC_-prefixed labels of early QUIC
 * drafts mean the same secrets.
 */
export interface TlsSecrets {
  clientHandshake?: Buffer;
  serverHandshake?: Buffer;
  client0?: Buffer;
  server0?: Buffer;
  clientEarly?: Buffer;
}

export interface KeyLogProblem {
  line: number;
  message: string;
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
/** labels that are valid but of no use to QUIC decryption */
const IGNORED = new Set(['CLIENT_RANDOM', 'EXPORTER_SECRET', 'EARLY_EXPORTER_SECRET', 'EARLY_EXPORTER_MASTER_SECRET']);

export class KeyLog {
  private readonly byRandom = new Map<string, TlsSecrets>();

  get size(): number {
    return this.byRandom.size;
  }

  /** adds the lines of one key log; returns the lines it could not read */
  add(text: string): KeyLogProblem[] {
    const problems: KeyLogProblem[] = [];
    const lines = text.split(/\r?\n/);
    lines.forEach((raw, i) => {
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) return;
      const [label, random, secret, ...extra] = line.split(/\s+/);
      const at = i + 1;
      if (IGNORED.has(label!)) return;
      const field = LABELS[label!];
      if (!field) return problems.push({ line: at, message: `unknown label '${label!.slice(0, 40)}'` }) && undefined;
      if (!/^[0-9a-fA-F]{64}$/.test(random ?? '')) {
        return problems.push({ line: at, message: `expected a 64-digit hex client random, found '${(random ?? '').slice(0, 20)}'` }) && undefined;
      }
      if (!/^([0-9a-fA-F]{2}){16,64}$/.test(secret ?? '') || extra.length > 0) {
        return problems.push({ line: at, message: `expected a hex secret after the client random` }) && undefined;
      }
      const key = random!.toLowerCase();
      const entry = this.byRandom.get(key) ?? {};
      entry[field] = Buffer.from(secret!, 'hex');
      this.byRandom.set(key, entry);
    });
    return problems;
  }

  lookup(clientRandom: Buffer): TlsSecrets | undefined {
    return this.byRandom.get(clientRandom.toString('hex'));
  }

  /** every entry, for connections whose ClientHello was never seen */
  entries(): IterableIterator<[string, TlsSecrets]> {
    return this.byRandom.entries();
  }
}

/** pcapng Decryption Secrets Block type for a TLS key log ('TLSK') */
export const SECRETS_TYPE_TLS_KEYLOG = 0x544c534b;
