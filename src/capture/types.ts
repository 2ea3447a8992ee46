import type { InputIssue } from '../wire/input-issue.js';

export type CaptureFormat = 'pcap' | 'pcapng';

/**
 * Link-layer header types we decode, with their LINKTYPE_ numbers
 * (https://www.tcpdump.org/linktypes.html).
 */
export const LinkType = {
  NULL: 0, // BSD loopback: 4-byte address family in host byte order
  ETHERNET: 1,
  PPP: 9, // PPP (RFC 1661), with or without RFC 1662's 0xff 0x03 address and control
  DLT_RAW_12: 12, // raw IP under the DLT_RAW value most BSDs and Linux wrote before 101
  DLT_RAW_14: 14, // raw IP under OpenBSD's DLT_RAW value
  PPP_HDLC: 50, // PPP in HDLC-like framing (RFC 1662), or Cisco HDLC
  PPP_ETHER: 51, // PPPoE session header (RFC 2516) then PPP
  RAW: 101, // raw IPv4 or IPv6, version from the first nibble
  C_HDLC: 104, // Cisco HDLC: address, control, then an EtherType
  LOOP: 108, // OpenBSD loopback: 4-byte address family in network byte order
  LINUX_SLL: 113,
  IPV4: 228,
  IPV6: 229,
  LINUX_SLL2: 276,
} as const;

/** One record of a capture file, as read from disk: no link-layer decoding yet. */
export interface CaptureRecord {
  /** 1-based record number across the whole file, as Wireshark numbers frames */
  frame: number;
  /** seconds since the Unix epoch */
  time: number;
  linkType: number;
  /** the captured bytes; may be shorter than originalLength (snap length) */
  data: Buffer;
  originalLength: number;
  /** byte offset of the record (block) in the file */
  fileOffset: number;
  /** byte offset of `data[0]` in the file, so that errors inside a packet point at the byte */
  dataOffset: number;
  /** pcapng interface id; 0 for pcap */
  interfaceId: number;
}

/** TLS key material carried in the capture (pcapng Decryption Secrets Block). */
export interface CaptureSecrets {
  /** secrets type, e.g. 0x544c534b 'TLSK' for a TLS key log */
  secretsType: number;
  data: Buffer;
  fileOffset: number;
}

export type CaptureEvent =
  | { kind: 'record'; record: CaptureRecord }
  | { kind: 'secrets'; secrets: CaptureSecrets }
  | { kind: 'issue'; issue: InputIssue };

export interface Endpoint {
  /** dotted quad, or RFC 5952 text for IPv6 */
  ip: string;
  port: number;
}

/** A UDP datagram pulled out of a record (after IP reassembly). */
export interface Datagram {
  /** frame number of the record that completed the datagram */
  frame: number;
  time: number;
  src: Endpoint;
  dst: Endpoint;
  ipVersion: 4 | 6;
  /** the IP header's ECN codepoint (RFC 3168 §5): 0 Not-ECT, 1 ECT(1), 2 ECT(0), 3 CE */
  ecn?: number;
  /** the UDP payload */
  payload: Buffer;
  /** the record was cut by the snap length: payload holds fewer bytes than the UDP length says */
  truncated: boolean;
}

export type DatagramEvent =
  | { kind: 'datagram'; datagram: Datagram }
  | { kind: 'secrets'; secrets: CaptureSecrets }
  | { kind: 'issue'; issue: InputIssue };

/** What a reader learned about the file once it has been read. */
export interface CaptureStats {
  path: string;
  format: CaptureFormat;
  records: number;
  /** records cut short by the snap length */
  truncatedRecords: number;
  /** records that are not UDP over IP (TCP, ARP …), and link types we do not decode */
  otherRecords: number;
  linkTypes: number[];
  /** time of the first record, the zero of relative times (as Wireshark's frame.time_relative) */
  firstTime?: number;
  /** bytes of the capture read so far (the progress line's count) */
  bytesRead?: number;
}

export function formatEndpoint(e: Endpoint): string {
  return e.ip.includes(':') ? `[${e.ip}]:${e.port}` : `${e.ip}:${e.port}`;
}

/** the inverse of formatEndpoint: `10.0.0.1:443` or `[::1]:443`; undefined for anything else */
export function parseEndpoint(text: string): Endpoint | undefined {
  const m = text.match(/^\[([0-9a-fA-F:.]+)\]:(\d+)$/) ?? text.match(/^([0-9.]+):(\d+)$/);
  return m ? { ip: m[1]!, port: Number(m[2]) } : undefined;
}
