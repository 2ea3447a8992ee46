/**
 * Text from the wire (a CONNECTION_CLOSE reason phrase is whatever the peer sent) in double
 * quotes for a line people read: control characters, C0 and C1, are written as \u escapes
 * instead of reaching the terminal, where they could move the cursor, recolour or retitle
 * it; quotes and backslashes are escaped so the phrase's end is unambiguous.
 */
export function quotedText(s: string): string {
  return JSON.stringify(s).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
