#!/usr/bin/env node
// The functions with the most self time, then with the most total time, in a V8 CPU profile (`node --cpu-prof`), and the
// share of the profile's samples each holds: what to make faster first.
// usage: node scripts/cpuprofile-top.mjs FILE.cpuprofile [N]
import { readFileSync } from 'node:fs';

const [file, n = '15'] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpuprofile-top.mjs FILE.cpuprofile [N]');
  process.exit(2);
}
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
// total time: the samples with the function anywhere on their stack, each counted once
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
const keyOf = (node) => {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\//, '')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
};
const hits = new Map();
for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
const self = new Map();
for (const [id, count] of hits) {
  const key = keyOf(byId.get(id));
  self.set(key, (self.get(key) ?? 0) + count);
}
const inclusive = new Map();
for (const [id, count] of hits) {
  const seen = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) seen.add(keyOf(byId.get(at)));
  for (const key of seen) inclusive.set(key, (inclusive.get(key) ?? 0) + count);
}
const total = profile.samples.length;
const seconds = (profile.endTime - profile.startTime) / 1e6;
console.log(`${file}: ${total} samples over ${seconds.toFixed(2)} s`);
for (const [key, count] of [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(n))) {
  console.log(`${((count / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
console.log('total (self and callees):');
for (const [key, count] of [...inclusive].sort((a, b) => b[1] - a[1]).slice(0, Number(n) * 2)) {
  console.log(`${((count / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}
