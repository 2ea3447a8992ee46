import type { ReportData } from '../report-data-types.js';
import { h, onActivate } from './dom.js';
import type { Select } from './ladder-view.js';

/** The findings, each with a link that selects the packet it rests on; then the checks that could not be made, and why. */
export function findingsView(data: ReportData, select: Select): HTMLElement {
  const { findings, unjudged } = data.summary;
  const frameLink = (frame: number, connection: number) => {
    const b = h('button', { type: 'button', class: 'link', 'data-testid': 'finding-frame', 'data-frame': frame }, `frame ${frame}`);
    onActivate(b, () => select(frame, connection));
    return b;
  };
  return h(
    'section',
    { 'data-view': 'findings', id: 'findings', 'aria-labelledby': 'findings-title' },
    h('h2', { id: 'findings-title' }, 'Findings'),
    findings.length === 0
      ? h('p', {}, 'No findings.')
      : h(
          'ul',
          { class: 'findings' },
          ...findings.map((f) =>
            h(
              'li',
              { 'data-testid': 'finding', 'data-code': f.code, 'data-severity': f.severity, class: `severity-${f.severity}` },
              h('span', { class: 'severity' }, f.severity),
              ' ',
              h('code', {}, f.code),
              `: connection ${f.connection}`,
              f.frame !== undefined ? ', ' : null,
              f.frame !== undefined ? frameLink(f.frame, f.connection) : null,
              `: ${f.message}`,
              f.evidence === 'inferred' ? h('div', { class: 'why' }, `inferred, not proven: ${f.reason ?? 'from the headers'}`) : null,
            ),
          ),
        ),
    unjudged.length === 0
      ? null
      : h(
          'div',
          { class: 'unjudged' },
          h('h3', {}, 'Not judged (what these checks need is unknown)'),
          h('ul', {}, ...unjudged.map((u) => h('li', { 'data-code': u.code }, h('code', {}, u.code), `: connection ${u.connection}`, u.frame !== undefined ? ', ' : null, u.frame !== undefined ? frameLink(u.frame, u.connection) : null, `: unknown: ${u.reason}`))),
        ),
  );
}
