import { describe, expect, it } from 'vitest';
import { terminalWidth } from '../../src/cli/terminal-width.js';

const stream = (isTTY: boolean, columns: number) => ({ isTTY, columns }) as unknown as NodeJS.WriteStream;

describe('terminalWidth', () => {
  it("is the terminal's own width on a TTY, whatever COLUMNS says", () => {
    expect(terminalWidth(stream(true, 120), { COLUMNS: '80' })).toBe(120);
  });
  it('is COLUMNS when piped', () => {
    expect(terminalWidth(stream(false, 0), { COLUMNS: '200' })).toBe(200);
  });
  it('is unknown when piped without COLUMNS, or with a COLUMNS that is not a width', () => {
    expect(terminalWidth(stream(false, 0), {})).toBeUndefined();
    expect(terminalWidth(stream(false, 0), { COLUMNS: 'wide' })).toBeUndefined();
    expect(terminalWidth(stream(false, 0), { COLUMNS: '0' })).toBeUndefined();
  });
});
