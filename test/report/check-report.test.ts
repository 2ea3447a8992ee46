import { describe, expect, it } from 'vitest';
import { checkToJunit, xmlText, type CheckResult } from '../../src/report/check-report.js';

describe('JUnit XML', () => {
  it('escapes markup and replaces what XML 1.0 cannot carry', () => {
    expect(xmlText(`a<b>&"c"'d'`)).toBe('a&lt;b&gt;&amp;&quot;c&quot;&apos;d&apos;');
    // control characters other than tab, newline, CR (XML 1.0 §2.2), and a lone surrogate
    expect(xmlText('x\u0001y\tz\n\u001b[31m\ud800!')).toBe('x\ufffdy\tz\n\ufffd[31m\ufffd!');
    expect(xmlText('\ud83d\ude00')).toBe('\ud83d\ude00');
  });

  it('writes a suite per capture with a failure, a skipped case and a pass', () => {
    const r: CheckResult = {
      expected: ['retry', 'ecn', 'handshake'],
      allowUnknown: false,
      suites: [
        {
          path: 'odd "name" <1>.pcap',
          format: 'pcap',
          records: 3,
          connections: 1,
          readable: true,
          problems: [],
          verdicts: [
            { case: 'retry', verdict: 'fail', reason: 'the server sent no Retry', frames: [], connections: [1] },
            { case: 'ecn', verdict: 'unknown', reason: "no IP headers & the peer's ACKs not read", frames: [4], connections: [1] },
            { case: 'handshake', verdict: 'pass', reason: '1 handshake', frames: [2], connections: [1] },
          ],
        },
      ],
    };
    expect(checkToJunit(r)).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="quiclens check" tests="3" failures="1" errors="0" skipped="1">',
        '  <testsuite name="odd &quot;name&quot; &lt;1&gt;.pcap" tests="3" failures="1" errors="0" skipped="1">',
        '    <testcase classname="odd &quot;name&quot; &lt;1&gt;.pcap" name="retry">',
        '      <failure message="the server sent no Retry" type="fail">the server sent no Retry\nconnections: 1</failure>',
        '    </testcase>',
        '    <testcase classname="odd &quot;name&quot; &lt;1&gt;.pcap" name="ecn">',
        '      <skipped message="unknown: no IP headers &amp; the peer&apos;s ACKs not read"/>',
        '      <system-out>no IP headers &amp; the peer&apos;s ACKs not read\nframes: 4\nconnections: 1</system-out>',
        '    </testcase>',
        '    <testcase classname="odd &quot;name&quot; &lt;1&gt;.pcap" name="handshake">',
        '      <system-out>1 handshake\nframes: 2\nconnections: 1</system-out>',
        '    </testcase>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
  });
});
