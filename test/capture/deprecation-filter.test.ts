import { copyFileSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { hidePcapParserBufferWarning } from '../../src/capture/deprecation-filter.js';
import { REPO } from '../support/captures.js';

describe("pcap-parser's DEP0005 warning stays off the user's screen, other warnings do not", () => {
  it('drops DEP0005 raised from pcap-parser and keeps every other warning', async () => {
    // Node stays quiet about `new Buffer()` called from node_modules, so load a copy from
    // elsewhere, as a bundler would place it: that copy does raise DEP0005
    const dir = mkdtempSync(join(tmpdir(), 'pcap-parser-'));
    copyFileSync(join(REPO, 'node_modules/pcap-parser/lib/pcap-parser.js'), join(dir, 'pcap-parser.js'));
    const seen: string[] = [];
    process.on('warning', (w: Error & { code?: string }) => seen.push(w.code ?? w.name));
    hidePcapParserBufferWarning();

    const parser = createRequire(import.meta.url)(join(dir, 'pcap-parser.js'));
    await new Promise<void>((resolve) => {
      parser.parse(join(REPO, 'captures/handshake/handshake.pcap')).on('end', resolve);
    });
    process.emitWarning('ours', { code: 'QUICLENS_TEST' });
    process.emitWarning('another deprecation', { type: 'DeprecationWarning', code: 'DEP0005' });
    await new Promise((r) => setImmediate(r));

    // the DEP0005 raised outside pcap-parser still arrives; the one from inside it does not
    expect(seen).toEqual(['QUICLENS_TEST', 'DEP0005']);
  });
});
