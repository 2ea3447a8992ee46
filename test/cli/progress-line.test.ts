import { describe, expect, it } from 'vitest';
import { ProgressLine, progressText, progressWanted } from '../../src/cli/progress-line.js';

const MIB = 1024 * 1024;

describe('progressText', () => {
  it('bytes read of the total, packets, rate and time left', () => {
    expect(progressText({ bytesRead: 100 * MIB, totalBytes: 400 * MIB, packets: 81234, seconds: 4 })).toBe(
      'read 100 MiB of 400 MiB (25%), 81,234 packets, 25.0 MiB/s, about 12 s left',
    );
  });
  it('no share and no time left when the total is not known (a stream)', () => {
    expect(progressText({ bytesRead: 2 * MIB, totalBytes: 0, packets: 10, seconds: 2 })).toBe('read 2.0 MiB, 10 packets, 1.0 MiB/s');
  });
});

describe('progressWanted', () => {
  it('only on a terminal, and never with --quiet', () => {
    expect(progressWanted({ isTTY: true }, false)).toBe(true);
    expect(progressWanted({ isTTY: false }, false)).toBe(false);
    expect(progressWanted({}, undefined)).toBe(false);
    expect(progressWanted({ isTTY: true }, true)).toBe(false);
  });
});

describe('ProgressLine', () => {
  function setup() {
    let t = 0;
    const written: string[] = [];
    const line = new ProgressLine({ write: (s: string) => written.push(s), columns: 40 }, () => t);
    return { line, written, at: (ms: number) => (t = ms) };
  }

  it('draws nothing in the first second, then redraws in place, cut to the width, and erases itself', () => {
    const { line, written, at } = setup();
    line.start(10 * MIB);
    at(500);
    line.update(1000, MIB);
    expect(written).toEqual([]);
    at(2000);
    line.update(2000, 2 * MIB);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatch(/^\r.{1,39}\x1b\[K$/);
    expect(written[0]).toContain('read 2.0 MiB of 10 MiB (20%)');
    at(2100);
    line.update(2100, 2 * MIB);
    expect(written).toHaveLength(1); // not redrawn more than four times a second
    line.end();
    expect(written.at(-1)).toBe('\r\x1b[K');
  });

  it('erases nothing when it never drew', () => {
    const { line, written } = setup();
    line.start(MIB);
    line.end();
    expect(written).toEqual([]);
  });
});
