import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/**
 * A package loaded the first time it is used, not when quiclens starts: yaml (load-balancer
 * configs) and hpack.js (HTTP/3 Huffman strings) cost about 100 ms of start-up CPU between
 * them, which every run paid whether it read a config or a Huffman string or not.
 */
export function lazyPackage<T>(name: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(name) as T);
}
