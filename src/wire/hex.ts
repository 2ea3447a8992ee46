/** Connection IDs and other byte strings are written as lowercase hex without separators (design.md). */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

export function fromHex(s: string): Buffer {
  const clean = s.replace(/[\s:]/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`not a hex string: ${s.slice(0, 40)}`);
  return Buffer.from(clean, 'hex');
}
