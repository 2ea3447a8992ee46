/** What a dotted path reads from one JSON object. */
export interface FieldValues {
  /** the values found, arrays flattened: none when the field is absent */
  values: unknown[];
  /** the path went through an array (a packet's `frames`, a connection's `migrations`): a list, even of one */
  list: boolean;
}

/**
 * The values at `path` in a JSON object (`frames.type` → the type of every frame). An array
 * met on the way stands for each of its elements, as in tshark, where a field a packet
 * holds several times has several values. Only the object's own fields are read.
 */
export function valuesAt(row: unknown, path: readonly string[]): FieldValues {
  let current: unknown[] = [row];
  let list = false;
  for (const name of path) {
    const next: unknown[] = [];
    for (const v of current) {
      if (v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, name)) {
        const child = (v as Record<string, unknown>)[name];
        if (child === undefined) continue;
        if (Array.isArray(child)) {
          list = true;
          flattenInto(child, next);
        } else next.push(child);
      }
    }
    current = next;
  }
  return { values: current, list };
}

function flattenInto(items: readonly unknown[], into: unknown[]): void {
  for (const item of items) {
    if (Array.isArray(item)) flattenInto(item, into);
    else if (item !== undefined) into.push(item);
  }
}
