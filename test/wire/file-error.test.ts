import { describe, expect, it } from 'vitest';
import { fileErrorMessage } from '../../src/wire/file-error.js';
import { readBoundedText, sizeText } from '../../src/wire/bounded-file.js';
import { InputError } from '../../src/wire/input-issue.js';

const sysErr = (code: string) => Object.assign(new Error(`${code}: raw text, open 'x'`), { code });

describe('file errors in plain words, never the system text', () => {
  it.each([
    ['ENOENT', 'no such file'],
    ['EACCES', 'permission denied: quiclens may not read it'],
    ['EPERM', 'permission denied: quiclens may not read it'],
    ['ELOOP', 'too many levels of symbolic links: a link leads back to itself'],
    ['EISDIR', 'is a folder, expected a key log'],
    ['ENOTDIR', 'a part of the path before the name is a file, not a folder'],
    ['EWHATEVER', 'cannot be read (system error EWHATEVER)'],
  ])('%s', (code, said) => {
    const message = fileErrorMessage(sysErr(code), 'a key log');
    expect(message).toBe(said);
    expect(message).not.toContain('raw text');
  });
});

describe('readBoundedText', () => {
  it('refuses a file over the limit without reading it, naming the limit', () => {
    let err: unknown;
    try {
      readBoundedText('package.json', { maxBytes: 100, what: 'a tiny file' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).issue).toEqual({ file: 'package.json', message: 'is larger than 100 bytes, the most quiclens reads of a tiny file', fatal: true });
  });

  it('reads a file within the limit whole', () => {
    expect(readBoundedText('package.json', { maxBytes: 1 << 20, what: 'a file' })).toMatch(/^\{\n\s+"name": "quiclens"/);
  });

  it('names sizes as people do', () => {
    expect([sizeText(64 * 1024 * 1024), sizeText(1024), sizeText(1000), sizeText(2 * 1024 ** 3)]).toEqual(['64 MiB', '1 KiB', '1000 bytes', '2 GiB']);
  });
});
