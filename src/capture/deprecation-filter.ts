/**
 * pcap-parser 0.2.1 calls the deprecated `new Buffer()`. Node prints DEP0005 for that when
 * the call does not come from node_modules (as when the parser is bundled or inlined).
 * The user can do nothing about it, so we drop exactly that warning when pcap-parser's
 * code is on the stack; every other warning, ours included, still reaches stderr.
 */
let installed = false;

export function hidePcapParserBufferWarning(): void {
  if (installed) return;
  installed = true;
  const original = process.emitWarning;
  const filtered = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]): void {
    const code =
      typeof rest[0] === 'object' && rest[0] !== null
        ? (rest[0] as { code?: string }).code
        : typeof rest[1] === 'string'
          ? rest[1]
          : undefined;
    if (code === 'DEP0005' && /pcap-parser/.test(new Error().stack ?? '')) return;
    (original as (...a: unknown[]) => void).call(this, warning, ...rest);
  };
  process.emitWarning = filtered as typeof process.emitWarning;
}
