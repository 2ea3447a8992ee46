/**
 * The packet table's bytes from the page's element: base64, then gzip undone by the
 * browser's own DecompressionStream (every current browser has it), which works beside the
 * page's thread while the views are drawn.
 */
export async function inflateBase64(base64: string): Promise<Uint8Array> {
  if (typeof DecompressionStream !== 'function') throw new Error('this browser cannot decompress (no DecompressionStream): open the report in a current browser');
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
