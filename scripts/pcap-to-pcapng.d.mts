/** a classic pcap rewritten as pcapng, with the key log in a Decryption Secrets Block when given */
export function pcapToPcapng(pcap: Buffer, keylog?: string): Buffer;
