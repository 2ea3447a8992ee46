/**
 * The report page's style sheet, inlined into every page. Colours are the Okabe-Ito
 * palette (distinguishable with the common colour-vision deficiencies): blue #0072B2 for
 * the client, vermillion #D55E00 for the server and for what failed, bluish green #009E73
 * for what was validated, orange #E69F00 for warnings. Direction is also told by dashes
 * and words, never by colour alone.
 */
export const PAGE_CSS = `
:root { --client: #0072B2; --server: #D55E00; --ok: #009E73; --warn: #E69F00; --bad: #D55E00; --muted: #5f5f5f; --line: #c8c8c8; --bg: #ffffff; --fg: #111111; --focus: #CC79A7; }
* { box-sizing: border-box; }
html { scroll-padding-top: 48px; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); }
header.top { padding: 10px 16px; border-bottom: 1px solid var(--line); }
header.top h1 { margin: 0; font-size: 18px; }
header.top p { margin: 2px 0 0; color: var(--muted); }
nav { display: flex; flex-wrap: wrap; gap: 4px 14px; padding: 6px 16px; border-bottom: 1px solid var(--line); position: sticky; top: 0; background: var(--bg); z-index: 3; }
main { display: block; }
.columns { display: grid; grid-template-columns: minmax(0, 1fr) minmax(420px, 44%); gap: 0 16px; }
.story { padding: 0 16px 40px; min-width: 0; }
.side { border-left: 1px solid var(--line); padding: 0 12px; }
.side > section { position: sticky; top: 36px; }
@media (max-width: 1100px) { .columns { grid-template-columns: 1fr; } .side { border-left: 0; } .side > section { position: static; } }
h2 { font-size: 17px; margin: 22px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 3px; }
h3 { font-size: 15px; margin: 16px 0 6px; }
table { border-collapse: collapse; }
/* a table wider than its column scrolls inside it instead of running over the packet list */
section > table { display: block; overflow-x: auto; max-width: 100%; }
th, td { text-align: left; padding: 3px 8px; border-bottom: 1px solid #e4e4e4; vertical-align: top; }
th { font-weight: 600; }
.unknown { color: var(--muted); font-style: italic; }
.why { color: var(--muted); font-size: 12px; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 1px; }
button { font: inherit; padding: 3px 10px; border: 1px solid #888; border-radius: 4px; background: #f4f4f4; cursor: pointer; }
button[aria-pressed="true"] { background: #0072B2; color: #fff; border-color: #0072B2; }
button.link { border: 0; background: none; padding: 0; color: #0060a0; text-decoration: underline; }
.toolbar { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; margin: 4px 0; }
.hint { color: var(--muted); font-size: 12px; }
.ladder-body { display: flex; gap: 16px; align-items: flex-start; flex-wrap: wrap; }
.ladder-holder { overflow-x: auto; max-width: 100%; }
svg text { font: 12px system-ui, sans-serif; fill: var(--fg); }
svg .side { font-weight: 600; font-size: 13px; }
svg .addr, svg .axis, svg .time, svg .event, svg .path-label { fill: var(--muted); font-size: 11px; }
svg .lifeline { stroke: #999; stroke-width: 1.5; }
svg .dashed { stroke-dasharray: 6 3; }
svg .hit { fill: transparent; stroke: none; }
svg .step { cursor: pointer; outline: none; }
svg .step:hover .hit { fill: #f0f0f0; }
svg .step:focus-visible .hit, svg .step.selected .hit { stroke: var(--focus); stroke-width: 3; fill: #fbeef6; }
svg .challenge { cursor: pointer; outline: none; }
svg .challenge:focus-visible text { text-decoration: underline; fill: #0060a0; }
svg .explain { font-size: 12px; fill: #222; }
svg .explain-event { font-weight: 600; }
svg .loss { cursor: pointer; outline: none; }
svg .loss:hover .hit { fill: #f0f0f0; }
svg .loss:focus-visible .hit { stroke: var(--focus); stroke-width: 3; fill: #fbeef6; }
svg .explain-loss .explain-event { font-style: italic; }
.ladder-svg, .migration-svg { max-width: 100%; height: auto; }
svg .leader { stroke: #bbb; stroke-dasharray: 2 2; }
svg .node { fill: #777; }
svg .old-path { stroke: #999; stroke-width: 2; stroke-dasharray: 5 4; fill: none; }
.glossary { max-width: 460px; border: 1px solid var(--line); border-radius: 6px; padding: 4px 12px; background: #fafafa; }
.glossary dt { font-weight: 600; margin-top: 6px; }
.glossary dd { margin: 0 0 4px; }
.migration { margin: 8px 0 16px; }
.verdict.validated-true, .verdict-survives { color: #00734f; font-weight: 600; }
.verdict.validated-false, .verdict-breaks { color: #b34700; font-weight: 600; }
.verdict-conditional { color: #8a5d00; font-weight: 600; }
tr.advice td { color: var(--muted); font-size: 12px; padding-bottom: 8px; }
.verdict.validated-unknown { color: var(--muted); font-style: italic; }
.findings { padding-left: 18px; }
.findings li { margin: 4px 0; }
.severity { display: inline-block; min-width: 56px; font-weight: 600; }
.severity-error .severity { color: #b34700; }
.severity-warning .severity { color: #8a5d00; }
.severity-info .severity { color: var(--muted); }
.filters { display: flex; flex-wrap: wrap; gap: 6px 12px; align-items: center; margin: 4px 0; }
.filters input { width: 220px; font: inherit; }
.list-status { margin: 2px 0; color: var(--muted); font-size: 12px; }
.packet-head, .packet-row { display: grid; grid-template-columns: 52px 82px 34px 34px 74px 48px 44px minmax(0, 1fr); gap: 0 6px; font: 12px/24px ui-monospace, Menlo, Consolas, monospace; white-space: nowrap; }
.packet-head { font-weight: 700; border-bottom: 1px solid var(--line); padding: 0 4px; }
.packet-head span, .packet-row span { overflow: hidden; text-overflow: ellipsis; }
.packet-list { position: relative; height: calc(100vh - 210px); min-height: 300px; overflow-y: auto; border: 1px solid var(--line); contain: strict; }
.spacer { position: relative; width: 100%; }
/* every row the same height, placed by a transform: moving one lays out nothing else */
.packet-row { position: absolute; top: 0; left: 0; right: 0; height: 24px; padding: 0 4px; cursor: pointer; border-bottom: 1px solid #f0f0f0; contain: strict; will-change: transform; background: var(--bg); }
.packet-row:hover { background: #f3f3f3; }
.packet-row[aria-selected="true"] { background: #dcecf7; }
.packet-row .dir { font-weight: 700; }
.packet-row.dir-client .dir { color: var(--client); }
.packet-row.dir-server .dir { color: var(--server); }
/* the open packet: as tall as its frames, up to a bound past which it scrolls on its own (Tab reaches it, the arrows scroll it) */
.packet-detail { position: absolute; top: 0; left: 0; right: 0; max-height: max(240px, min(70vh, 640px)); overflow: auto; padding: 4px 10px; background: #fafafa; border: 1px solid var(--line); font-size: 12px; overscroll-behavior: contain; }
.packet-detail h3, .packet-detail h4 { margin: 4px 0; font-size: 13px; }
.packet-detail dl { display: grid; grid-template-columns: max-content minmax(0, 1fr); gap: 0 10px; margin: 0; }
.packet-detail dt { color: var(--muted); }
.packet-detail dd { margin: 0; font-family: ui-monospace, Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.frame-list { margin: 0; padding-left: 22px; }
svg .axis-line { stroke: #777; }
svg .grid { stroke: #eee; }
svg .legend { font-size: 11px; }
svg .marker, svg .wait { cursor: pointer; outline: none; }
svg .marker:focus-visible path, svg .wait:focus-visible rect { stroke: var(--focus); stroke-width: 3; }
.chart { max-width: 100%; height: auto; display: block; }
.wide { overflow-x: auto; max-width: 100%; }
.streams-table td { font-size: 12px; }
.streams-table .request { max-width: 220px; overflow-wrap: anywhere; }
.print-only { display: none; }
.error { color: #b34700; font-weight: 600; padding: 16px; }
@media print {
  nav, .toolbar, .filters, .packet-list, .packet-head, .list-status, .list-hint { display: none !important; }
  .print-only { display: block; }
  .columns { display: block; }
  .side { border: 0; }
  .side > section { position: static; }
  section { break-inside: avoid-page; }
  svg { max-width: 100%; height: auto; }
  a, button.link { color: #000; }
}
`;
