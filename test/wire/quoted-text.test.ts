import { describe, expect, it } from 'vitest';
import { quotedText } from '../../src/wire/quoted-text.js';
import { summarizeConnectionClose } from '../../src/quic/frames/connection-close.js';

describe('text from the wire on a line people read', () => {
  it('control characters become \\u escapes: none reaches the terminal', () => {
    // ESC [ 2 J clears a terminal; U+009B is the one-character CSI of 8-bit terminals
    const out = quotedText('bye\u001b[2J\u009b31m\r\n');
    expect(out).toBe('"bye\\u001b[2J\\u009b31m\\r\\n"');
    expect(/[\u0000-\u001f\u007f-\u009f]/.test(out)).toBe(false);
  });
  it('quotes and backslashes are escaped; other text, accented or not, is kept', () => {
    expect(quotedText('say "no" \\ déjà')).toBe('"say \\"no\\" \\\\ déjà"');
  });
  it("a CONNECTION_CLOSE's reason phrase is quoted so", () => {
    const line = summarizeConnectionClose({ type: 'connection_close', error_space: 'transport', error_code: 'PROTOCOL_VIOLATION', reason: 'x\u001b]0;pwned\u0007' } as Parameters<typeof summarizeConnectionClose>[0]);
    expect(line).toBe('CONNECTION_CLOSE PROTOCOL_VIOLATION "x\\u001b]0;pwned\\u0007"');
  });
});
