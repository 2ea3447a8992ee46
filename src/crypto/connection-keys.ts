import type { PacketHeader } from '../quic/packet-header.js';
import { decodePacketNumber } from '../quic/packet-number.js';
import { openPayload } from './aead.js';
import { supportedSuites, type CipherSuite } from './cipher-suites.js';
import { removeHeaderProtection, unprotectedHeader, type UnprotectedHeader } from './header-protection.js';
import { initialKeys } from './initial-secrets.js';
import type { TlsSecrets } from './keylog.js';
import { PacketKeys } from './packet-keys.js';
import { protectionFor } from './version-secrets.js';

export type Sender = 'client' | 'server';
export type DecryptFailure = 'no keys' | 'aead failed' | 'unknown version';

export interface OpenedPacket {
  pn: number;
  /** the key phase bit of a short header (RFC 9001 §6), null for long headers */
  keyPhase: 0 | 1 | null;
  /** the 1-RTT key generation that opened it (0 before any key update) */
  keyGeneration: number | null;
  payload: Buffer;
  /** the packet number was not the nearest candidate: packets were missing before it */
  pnSearched: boolean;
}

/**
 * The packet numbers to try for a truncated one, in order; `nearest` is RFC 9000 A.3's
 * choice from the largest packet number opened so far. A caller that knows more (the
 * capture lost a long run of packets) gives its own list.
 */
export type PnCandidates = (nearest: number, truncatedPn: number, pnNbits: number) => Iterable<number>;

/** by default the nearest, then one window either side: a few lost packets past half the window */
const nearWindows: PnCandidates = (nearest, _truncated, bits) => [nearest, nearest + 2 ** bits, nearest - 2 ** bits];

/**
 * The packet protection state of one connection: which keys open which packets, the
 * largest packet number seen in each sender's packet-number space (RFC 9000 §12.3), and the
 * 1-RTT key generations of each sender (RFC 9001 §6).
 */
export class ConnectionKeys {
  private readonly initial = new Map<string, { client: PacketKeys; server: PacketKeys } | undefined>();
  /**
   * The DCID that keys both sides' Initials (RFC 9001 §5.2): the client's first Initial's,
   * or after a Retry the one its next Initial carries (§5.2, RFC 9000 §17.2.5.2). Not the
   * DCID of later Initials: once the server answers, the client sends to the server's CID,
   * but the Initial keys stay.
   */
  private clientInitialDcid: Buffer | null = null;
  private retrySeen = false;
  private secrets: TlsSecrets | undefined;
  private suite: CipherSuite | undefined;
  private readonly largest = new Map<string, number>();
  private readonly levelKeys = new Map<string, PacketKeys[]>();
  /** 1-RTT: each sender's generations so far and the one in use */
  private readonly app = new Map<Sender, { generations: PacketKeys[]; current: number }>();

  /** a client Initial was seen with this DCID */
  noteClientInitial(dcid: Buffer): void {
    // copied: a view would keep the whole read chunk of the capture alive with it
    if (this.clientInitialDcid === null || this.retrySeen) this.clientInitialDcid = Buffer.from(dcid);
    this.retrySeen = false;
  }

  /** a Retry was seen: the client's next Initial sets new Initial keys */
  noteRetry(): void {
    this.retrySeen = true;
  }

  setSecrets(secrets: TlsSecrets): void {
    this.secrets = secrets;
  }

  get hasSecrets(): boolean {
    return this.secrets !== undefined;
  }

  /** the suite the ServerHello chose; until then 0-RTT tries each one */
  setSuite(suite: CipherSuite): void {
    this.suite = suite;
  }

  open(h: PacketHeader, packet: Buffer, from: Sender, version: number | null, candidates: PnCandidates = nearWindows): OpenedPacket | DecryptFailure {
    if (h.type === 'initial') return this.openLong(h, packet, from, this.initialFor(h, from), 'initial', candidates);
    if (version === null || !protectionFor(version)) return 'unknown version';
    if (h.type === 'handshake') {
      const secret = from === 'client' ? this.secrets?.clientHandshake : this.secrets?.serverHandshake;
      return this.openLong(h, packet, from, this.keysFromSecret(`hs/${from}`, secret, version), 'handshake', candidates);
    }
    if (h.type === '0RTT') {
      if (from !== 'client') return 'aead failed';
      return this.openLong(h, packet, from, this.keysFromSecret('0rtt', this.secrets?.clientEarly, version), 'application', candidates);
    }
    if (h.type === '1RTT' && h.form === 'short') return this.openShort(h.pnOffset, packet, from, version, candidates);
    return 'no keys';
  }

  private initialFor(h: PacketHeader, from: Sender): PacketKeys[] | undefined {
    // both directions use the keys of the client's Initial DCID, each its own half
    if (h.form !== 'long') return undefined;
    const dcid = this.clientInitialDcid ?? (from === 'client' ? h.dcid : null);
    if (!dcid) return undefined;
    const key = `${h.version}/${dcid.toString('hex')}`;
    if (!this.initial.has(key)) this.initial.set(key, initialKeys(h.version, dcid));
    const keys = this.initial.get(key);
    return keys ? [from === 'client' ? keys.client : keys.server] : undefined;
  }

  /** keys for a level from a TLS secret; with the suite unknown, one per suite to try */
  private keysFromSecret(name: string, secret: Buffer | undefined, version: number): PacketKeys[] | undefined {
    if (!secret) return undefined;
    const cacheKey = `${name}/${this.suite?.id ?? 'any'}`;
    let keys = this.levelKeys.get(cacheKey);
    if (!keys) {
      const v = protectionFor(version)!;
      const suites = this.suite ? [this.suite] : supportedSuites().filter((s) => s.hashLength === secret.length);
      keys = suites.map((s) => new PacketKeys(secret, s, v));
      this.levelKeys.set(cacheKey, keys);
    }
    return keys;
  }

  private openLong(
    h: PacketHeader,
    packet: Buffer,
    from: Sender,
    candidates: PacketKeys[] | undefined,
    space: 'initial' | 'handshake' | 'application',
    pns: PnCandidates,
  ): OpenedPacket | DecryptFailure {
    if (h.form !== 'long' || h.pnOffset === undefined) return 'no keys';
    if (!candidates) return h.type === 'initial' && !protectionFor(h.version) ? 'unknown version' : 'no keys';
    for (const keys of candidates) {
      const opened = this.tryKeys(keys, packet, h.pnOffset, `${from}/${space}`, pns);
      if (opened) {
        if (candidates.length > 1) this.suite = keys.suite;
        return { ...opened, keyPhase: null, keyGeneration: null };
      }
    }
    return 'aead failed';
  }

  private openShort(pnOffset: number, packet: Buffer, from: Sender, version: number, pns: PnCandidates): OpenedPacket | DecryptFailure {
    let state = this.app.get(from);
    if (!state) {
      const secret = from === 'client' ? this.secrets?.client0 : this.secrets?.server0;
      const first = this.keysFromSecret(`1rtt/${from}`, secret, version);
      if (!first) return 'no keys';
      // with the suite still unknown, the first packet that opens decides it
      for (const keys of first) {
        const opened = this.tryKeys(keys, packet, pnOffset, `${from}/application`, pns);
        if (opened && phaseOf(opened.firstByte) === 0) {
          this.suite ??= keys.suite;
          this.app.set(from, { generations: [keys], current: 0 });
          return { ...opened, keyPhase: 0, keyGeneration: 0 };
        }
      }
      return 'aead failed';
    }
    // the header-protection key is the same for every generation (RFC 9001 §6.1)
    const un = removeHeaderProtection(packet, pnOffset, state.generations[0]!, false);
    if (!un.ok) return 'aead failed';
    const phase = phaseOf(un.firstByte);
    // same phase: the current keys, else two generations back; other phase: the next
    // generation (a key update), else the previous one (a packet reordered across it)
    const order =
      phase === (state.current & 1) ? [state.current, state.current - 2] : [state.current + 1, state.current - 1];
    for (const g of order) {
      if (g < 0) continue;
      while (state.generations.length <= g) state.generations.push(state.generations.at(-1)!.next());
      const opened = this.tryKeys(state.generations[g]!, packet, pnOffset, `${from}/application`, pns, un);
      if (opened) {
        if (g > state.current) state.current = g;
        return { ...opened, keyPhase: phase, keyGeneration: g };
      }
    }
    return 'aead failed';
  }

  /**
   * Header protection off, then the AEAD with each candidate packet number in turn, the
   * nearest (RFC 9000 A.3) first: a capture that lost more packets than half the window (a
   * 1-byte packet number covers only 128 either way) needs one further away.
   */
  private tryKeys(keys: PacketKeys, packet: Buffer, pnOffset: number, space: string, pns: PnCandidates, known?: UnprotectedHeader) {
    const un = known ?? removeHeaderProtection(packet, pnOffset, keys);
    if (!un.ok) return null;
    const header = unprotectedHeader(packet, un);
    const sealed = packet.subarray(un.headerLength);
    const largest = this.largest.get(space) ?? -1;
    const bits = un.pnLength * 8;
    const nearest = decodePacketNumber(largest, un.truncatedPn, bits);
    for (const pn of pns(nearest, un.truncatedPn, bits)) {
      // a candidate from a hostile or corrupt ACK can lie past any real packet number (RFC 9000
      // §12.3 caps them at 2^62-1; no connection nears 2^53): it cannot be the one, so skip it
      if (pn < 0 || !Number.isSafeInteger(pn)) continue;
      const payload = openPayload(keys, pn, header, sealed);
      if (payload) {
        if (pn > largest) this.largest.set(space, pn);
        return { pn, payload, firstByte: un.firstByte, pnSearched: pn !== nearest };
      }
    }
    return null;
  }
}

/** the key phase bit of an unprotected short-header first byte (RFC 9000 §17.3.1) */
const phaseOf = (firstByte: number): 0 | 1 => ((firstByte >> 2) & 1) as 0 | 1;
