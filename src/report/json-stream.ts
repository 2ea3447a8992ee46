/**
 * A JSON document whose fields are lists, written one list item at a time. The text is the
 * one `JSON.stringify(doc, null, 2)` (or `JSON.stringify(doc)` when not pretty) prints for
 * the whole document, byte for byte, but the whole document is never held: a summary of
 * thousands of connections is built and printed one connection at a time, so its memory is
 * one connection's, not the capture's.
 */
export type JsonLists = readonly (readonly [key: string, items: Iterable<unknown>])[];

/** the document's text in pieces, in order; each item is stringified when its piece is asked for */
export function* jsonListsText(fields: JsonLists, pretty: boolean): Generator<string> {
  if (fields.length === 0) {
    yield '{}';
    return;
  }
  yield pretty ? '{\n' : '{';
  let firstField = true;
  for (const [key, items] of fields) {
    if (!firstField) yield pretty ? ',\n' : ',';
    firstField = false;
    yield pretty ? `  ${JSON.stringify(key)}: ` : `${JSON.stringify(key)}:`;
    let first = true;
    for (const item of items) {
      yield first ? (pretty ? '[\n' : '[') : pretty ? ',\n' : ',';
      first = false;
      yield pretty ? `    ${itemText(item, true).replaceAll('\n', '\n    ')}` : itemText(item, false);
    }
    // JSON.stringify prints an empty list as [] on one line
    yield first ? '[]' : pretty ? '\n  ]' : ']';
  }
  yield pretty ? '\n}' : '}';
}

/**
 * One list item as JSON.stringify prints it inside a list: a value JSON has no text for
 * (undefined, a function) is `null` there. A string in JSON never holds a raw line break, so
 * each line break of the item's text starts a line that takes the list's indent.
 */
function itemText(item: unknown, pretty: boolean): string {
  return (pretty ? JSON.stringify(item, null, 2) : JSON.stringify(item)) ?? 'null';
}
