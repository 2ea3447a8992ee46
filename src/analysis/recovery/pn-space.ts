import type { PacketType } from '../../quic/packet-header.js';

/**
 * The three packet number spaces (RFC 9000 §12.3): each is numbered and acknowledged apart.
 * 0-RTT and 1-RTT packets share the application data space.
 */
export type PnSpace = 'initial' | 'handshake' | 'application';

export const PN_SPACES: readonly PnSpace[] = ['initial', 'handshake', 'application'];

/** the space a packet type is numbered in; null for types that carry no packet number */
export function pnSpaceOf(type: PacketType): PnSpace | null {
  switch (type) {
    case 'initial':
      return 'initial';
    case 'handshake':
      return 'handshake';
    case '0RTT':
    case '1RTT':
      return 'application';
    default:
      return null;
  }
}
