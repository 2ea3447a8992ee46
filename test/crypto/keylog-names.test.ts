import { describe, expect, it } from 'vitest';
import { parseKeyLog } from '../../src/crypto/keylog.js';

const R = 'aa'.repeat(32);
const S = '01'.repeat(32);

describe('key log labels that are members of Object (issue 12 §8)', () => {
  it.each(['__proto__', 'constructor', 'toString', 'hasOwnProperty'])('%s is an unknown label, and no secret is kept', (label) => {
    const { keyLog, problems } = parseKeyLog(`${label} ${R} ${S}\nSERVER_TRAFFIC_SECRET_0 ${R} ${S}\n`);
    expect(problems).toEqual([{ line: 1, message: `unknown label '${label}'` }]);
    expect([...keyLog.values()]).toEqual([{ server0: Buffer.from(S, 'hex') }]);
  });
});
