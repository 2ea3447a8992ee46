import type { Frame } from './frame.js';

/**
 * A frame as JSON: the qlog field names it already has, without the raw data views (their
 * `length` says how much there was).
 */
export function frameToJson(f: Frame): Record<string, unknown> {
  if (!('raw' in f)) return { ...f };
  const { raw: _raw, ...rest } = f;
  return rest;
}
