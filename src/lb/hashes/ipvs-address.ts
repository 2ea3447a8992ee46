import { ipBytes } from '../../capture/ip-address.js';
import { hostOf, portOf } from '../listen-address.js';
import type { Backend } from '../model.js';

/**
 * An address folded to 32 bits the way IPVS's sh and mh schedulers fold it: IPv4 as its
 * value, IPv6 as the XOR of its four 32-bit words.
 */
export function foldAddress(ip: string): number | undefined {
  const b = ipBytes(ip);
  if (!b) return undefined;
  let folded = 0;
  for (let i = 0; i < b.length; i += 4) folded ^= b.readUInt32BE(i);
  return folded >>> 0;
}

/** a real server as IPVS hashes it: folded address and port */
export interface IpvsDest {
  folded: number;
  port: number;
  weight: number;
  /** index into the listener's backends */
  index: number;
}

/**
 * The real servers in the kernel's list order. ipvsadm (and ipvsadm-restore, reading
 * `ipvsadm-save` output) adds each one at the head of the service's list, so the kernel
 * walks them in the reverse of the order the file gives.
 */
export function kernelOrder(backends: readonly Backend[]): IpvsDest[] | undefined {
  const dests: IpvsDest[] = [];
  for (const [index, b] of backends.entries()) {
    const folded = foldAddress(hostOf(b.address));
    if (folded === undefined) return undefined;
    dests.push({ folded, port: portOf(b.address) ?? 0, weight: b.down ? 0 : b.weight, index });
  }
  return dests.reverse();
}
