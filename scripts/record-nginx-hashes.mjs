#!/usr/bin/env node
// Asks a real nginx where its stream `hash` sends UDP clients, so the tests can hold our
// implementation of nginx's hashes to the real thing. Starts nginx (Debian's, with the
// stream module) with test/lb/fixtures/nginx-hashes.conf, listens on every backend port,
// sends one datagram from each of many client addresses and ports (any 127/8 address works
// on Linux loopback), and writes which backend received it to
// test/lb/fixtures/nginx-hash-picks.json. Run as root: node scripts/record-nginx-hashes.mjs
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const here = join(import.meta.dirname, '..', 'test', 'lb', 'fixtures');
const conf = join(here, 'nginx-hashes.conf');
const listeners = [...readFileSync(conf, 'utf8').matchAll(/listen\s+127\.0\.0\.1:(\d+)\s+udp/g)].map((m) => Number(m[1]));
const backendPorts = [...new Set([...readFileSync(conf, 'utf8').matchAll(/server\s+127\.0\.0\.1:(\d+)/g)].map((m) => Number(m[1])))];
const CLIENTS = 120;

const received = new Map(); // payload → backend port
const backends = await Promise.all(
  backendPorts.map(
    (port) =>
      new Promise((resolve) => {
        const s = dgram.createSocket('udp4');
        s.on('message', (msg) => received.set(msg.toString(), port));
        s.bind(port, '127.0.0.1', () => resolve(s));
      }),
  ),
);

const prefix = mkdtempSync(join(tmpdir(), 'nginx-hashes-'));
const nginx = spawn('nginx', ['-p', prefix, '-c', conf, '-g', `pid ${prefix}/nginx.pid; error_log ${prefix}/error.log;`], { stdio: 'inherit' });
await new Promise((r) => setTimeout(r, 1000));

const sent = [];
for (let i = 0; i < CLIENTS; i++) {
  const address = `127.0.${1 + (i % 3)}.${2 + ((i * 7) % 200)}`;
  const port = 20000 + i * 37;
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(port, address, r));
  for (const listen of listeners) {
    const payload = `${address}:${port}>${listen}`;
    sent.push({ address, port, listen, payload });
    await new Promise((r) => s.send(payload, listen, '127.0.0.1', r));
  }
  await new Promise((r) => setTimeout(r, 5));
  s.close();
}
await new Promise((r) => setTimeout(r, 1000));
nginx.kill('SIGTERM');
for (const s of backends) s.close();

// nginx -v prints to stderr
const version = spawnSync('nginx', ['-v'], { encoding: 'utf8' }).stderr.trim();
const picks = sent.map(({ address, port, listen, payload }) => ({ client: `${address}:${port}`, listen, backend: received.has(payload) ? `127.0.0.1:${received.get(payload)}` : null }));
const lost = picks.filter((p) => p.backend === null).length;
const lines = picks.map((p) => `    ${JSON.stringify(p)}`).join(',\n');
writeFileSync(join(here, 'nginx-hash-picks.json'), `{\n  "recordedWith": ${JSON.stringify(version)},\n  "config": "nginx-hashes.conf",\n  "picks": [\n${lines}\n  ]\n}\n`);
console.log(`${picks.length} datagrams, ${lost} not received by any backend`);
