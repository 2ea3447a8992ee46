import type { ReportData } from './report-data-types.js';

/** text for HTML element content and attribute values (& < > " ') */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * JSON to sit inside a <script type="application/json"> element: `<` is written as its
 * JSON escape, so no `</script>` or `<!--` in the data can end or bend the element; U+2028
 * and U+2029 likewise, for the readers that still treat them as line ends.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** the page's own script, made safe to inline: a `</script` inside it would end the element early */
export function inlineScript(js: string): string {
  return js.replace(/<\/(script)/gi, '<\\/$1');
}

/** base64's alphabet only: what may sit in the packets' element (nothing there can end it) */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * The report as one self-contained HTML file: the style sheet, the data and the page's
 * script inline; nothing to fetch. The page draws itself from the data when it opens.
 * `packets` is the packet table's bytes, gzip and base64 (embed-packets.ts).
 */
export function renderReportHtml(data: ReportData, packets: string, script: string, css: string): string {
  if (!BASE64.test(packets)) throw new Error('the packet table is not base64');
  const names = data.summary.inputs.map((i) => i.path.split(/[\\/]/).pop() ?? i.path).join(', ');
  const title = `quiclens report: ${names}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="${escapeHtml(data.generator)}">
<title>${escapeHtml(title)}</title>
<style>${css}</style>
</head>
<body>
<header class="top"><h1>${escapeHtml(title)}</h1><p>${escapeHtml(data.generator)}: times in seconds from the first record; every value as the analyses give it, <em>unknown</em> where the packets do not say.</p></header>
<main id="report"><noscript>This report draws itself with JavaScript; turn it on to see the views.</noscript><p>Drawing the report…</p></main>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script type="application/octet-stream" id="report-packets" data-encoding="gzip base64">${packets}</script>
<script>${inlineScript(script)}</script>
</body>
</html>
`;
}
