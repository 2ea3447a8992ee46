import type { ConnectionJson, MigrationJson } from '../report-data-types.js';
import { h, onActivate, s } from './dom.js';
import type { Select } from './ladder-view.js';

/** Okabe-Ito: bluish green validated, vermillion not validated, grey unknown */
const VERDICT = { true: '#009E73', false: '#D55E00', unknown: '#777777' } as const;

/**
 * A migration as two paths between the moving side's old and new address and its peer:
 * the old path, the new one coloured by the verdict, each PATH_CHALLENGE and its
 * PATH_RESPONSE as a step on the new path (selecting its packet), the validation time.
 */
export function migrationView(conn: ConnectionJson, m: MigrationJson, select: Select): HTMLElement {
  const validated = m.validated === null ? 'unknown' : String(m.validated);
  const colour = VERDICT[validated as keyof typeof VERDICT];
  const peer = m.side === 'client' ? (conn.server ?? 'server address unknown') : (conn.client ?? 'client address unknown');
  const rows = m.challenges.length;
  const height = 150 + rows * 26;
  const moverX = 130;
  const peerX = 560;
  const oldY = 50;
  const newY = 120;
  const svg = s(
    'svg',
    {
      'data-testid': 'migration',
      'data-kind': m.kind ?? 'unknown',
      'data-validated': validated,
      'data-frame': m.frame,
      class: 'migration-svg',
      viewBox: `0 0 720 ${height}`,
      width: 720,
      height,
      role: 'group',
      'aria-label': `migration at frame ${m.frame}: ${m.kind ?? 'kind unknown'}, ${m.from} to ${m.to}, validated ${validated}`,
    },
    s('text', { x: moverX, y: 20, 'text-anchor': 'middle', class: 'side' }, m.side),
    s('text', { x: peerX, y: 20, 'text-anchor': 'middle', class: 'side' }, m.side === 'client' ? 'server' : 'client'),
    s('circle', { cx: moverX, cy: oldY, r: 6, class: 'node old' }),
    s('text', { x: moverX - 12, y: oldY + 4, 'text-anchor': 'end', class: 'addr' }, `old ${m.from}`),
    s('circle', { cx: moverX, cy: newY, r: 6, fill: colour }),
    s('text', { x: moverX - 12, y: newY + 4, 'text-anchor': 'end', class: 'addr' }, `new ${m.to}`),
    s('circle', { cx: peerX, cy: (oldY + newY) / 2, r: 6, class: 'node' }),
    s('text', { x: peerX + 12, y: (oldY + newY) / 2 + 4, class: 'addr' }, peer),
    s('path', { d: `M${moverX},${oldY} L${peerX},${(oldY + newY) / 2}`, class: 'old-path' }),
    s('path', { d: `M${moverX},${newY} L${peerX},${(oldY + newY) / 2}`, stroke: colour, 'stroke-width': 3, fill: 'none', class: `new-path validated-${validated}` }),
    s('text', { x: (moverX + peerX) / 2, y: oldY - 8, 'text-anchor': 'middle', class: 'path-label' }, 'old path'),
    s('text', { x: (moverX + peerX) / 2, y: newY + 10, 'text-anchor': 'middle', class: 'path-label' }, `new path from frame ${m.frame}`),
  );
  m.challenges.forEach((c, i) => {
    const y = newY + 44 + i * 26;
    const answer = c.response ? `→ PATH_RESPONSE in frame ${c.response.frame} (${((c.response.time - c.time) * 1000).toFixed(3)} ms)` : '→ no PATH_RESPONSE in the capture';
    const g = s(
      'g',
      { class: 'challenge', tabindex: 0, role: 'button', 'data-frame': c.frame, 'aria-label': `PATH_CHALLENGE by the ${c.by} in frame ${c.frame} ${answer}` },
      s('text', { x: 20, y, class: 'challenge-text' }, `${c.by} PATH_CHALLENGE ${c.data.slice(0, 8)}… in frame ${c.frame} ${answer}`),
    );
    onActivate(g, () => select(c.frame, conn.id));
    svg.appendChild(g);
  });
  const verdict =
    m.validated === null
      ? `validation unknown: ${m.facts.validated.reason}`
      : m.validated
        ? `validated${m.validationMs !== null ? ` in ${m.validationMs} ms` : ''}${m.facts.validated.evidence === 'inferred' ? ` (inferred: ${m.facts.validated.reason})` : ''}`
        : 'not validated';
  const kind = m.kind === null ? `kind unknown: ${m.facts.kind.reason}` : m.facts.kind.evidence === 'inferred' ? `${m.kind} (inferred: ${m.facts.kind.reason})` : m.kind;
  const jump = h('button', { type: 'button', class: 'link', 'data-frame': m.frame }, `frame ${m.frame}`);
  onActivate(jump, () => select(m.frame, conn.id));
  return h(
    'figure',
    { class: 'migration' },
    svg,
    h(
      'figcaption',
      {},
      h('strong', {}, kind),
      `, ${m.side} ${m.from} → ${m.to} (${m.addressChanged === null ? 'addresses not logged' : m.addressChanged ? 'address change' : 'port change'}), `,
      h('span', { class: `verdict validated-${validated}` }, verdict),
      `, ${m.newDcid === null ? 'DCIDs not logged' : m.newDcid ? 'new DCID' : 'same DCID'}; first packet on the new path: `,
      jump,
    ),
  );
}
