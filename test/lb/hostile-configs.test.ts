import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { LbConfig } from '../../src/lb/model.js';
import { NGINX_LIMITS, parseNginx } from '../../src/lb/nginx/parse-nginx.js';
import { readLbConfig } from '../../src/lb/read-config.js';
import { MAX_YAML_BYTES, readYamlDocuments } from '../../src/lb/yaml-documents.js';
import { palette } from '../../src/report/colour.js';
import { lbTable, lbToJson } from '../../src/report/lb-report.js';
import { errorOf } from '../support/input-error.js';
import { testListener } from '../support/lb-listener.js';

const dir = mkdtempSync(join(tmpdir(), 'quiclens-hostile-lb-'));
let n = 0;
function write(text: string, name = `c${n++}.conf`): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}
const PLAIN = palette({ isTTY: false } as NodeJS.WriteStream, false);
const INTERNAL = /\bundefined\b|\bNaN\b|\[object Object\]/;

describe('nginx configs past every limit (issue 12 §8)', () => {
  it('an include of a file with 150,000 directives is read (no spread of them into one call)', () => {
    const big = write(Array.from({ length: 150_000 }, (_, i) => `map_hash_bucket_size ${i};`).join('\n'));
    const main = write(`events {}\ninclude ${big};\nworker_processes 1;\n`);
    const top = parseNginx(main);
    expect(top).toHaveLength(150_002);
    expect(top.at(-1)).toMatchObject({ name: 'worker_processes', location: { file: main, line: 3 } });
  });

  it('includes that fan out past the include count limit stop with the place of the include', () => {
    const sub = join(dir, `many${n++}`);
    mkdirSync(sub);
    for (let i = 0; i <= NGINX_LIMITS.includes; i++) writeFileSync(join(sub, `f${String(i).padStart(5, '0')}.conf`), 'worker_processes 1;\n');
    const main = write(`events {}\ninclude ${sub}/*.conf;\n`);
    const e = errorOf(() => parseNginx(main));
    expect(e.issue).toMatchObject({ file: main, line: 2, column: 1 });
    expect(e.issue.message).toMatch(new RegExp(`^include .*f01000\\.conf: more than ${NGINX_LIMITS.includes} included files in this config$`));
  });

  it('includes nested past the depth limit stop', () => {
    const sub = join(dir, `deep${n++}`);
    mkdirSync(sub);
    for (let i = 0; i < NGINX_LIMITS.includeDepth + 2; i++) writeFileSync(join(sub, `d${i}.conf`), `include d${i + 1}.conf;\n`);
    const e = errorOf(() => parseNginx(join(sub, 'd0.conf')));
    expect(e.issue.message).toMatch(new RegExp(`includes nested more than ${NGINX_LIMITS.includeDepth} deep$`));
    expect(e.issue.file).toBe(join(sub, `d${NGINX_LIMITS.includeDepth}.conf`));
  });

  it('a line longer than the limit is refused with its number, before it is tokenised', () => {
    const main = write(`events {}\nhttp {\n  server_name ${'a'.repeat(NGINX_LIMITS.lineLength + 1)};\n}\n`);
    const e = errorOf(() => readLbConfig(main));
    expect(e.issue).toMatchObject({ file: main, line: 3 });
    expect(e.issue.message).toBe(`line 3 is longer than ${NGINX_LIMITS.lineLength} characters: expected an nginx config`);
  });

  it('a directive that runs over several lines is quoted on one line', () => {
    const main = write('events {}\n${\nworker_processes 2;\nstream {\n');
    const e = errorOf(() => readLbConfig(main, { kind: 'nginx' }));
    expect(e.issue.message).not.toMatch(/\n/);
    expect(e.issue.message).toBe("directive '${…' is not terminated: expected ';' or '{'");
  });
});

describe('Kubernetes Services with values of the wrong type (issue 12 §8)', () => {
  it('no port undefined, [object Object] or NaN s in the text or the JSON', () => {
    const file = write(
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata: {name: {a: 1}, namespace: [x]}',
        'spec:',
        '  type: {b: 2}',
        '  sessionAffinity: ClientIP',
        '  sessionAffinityConfig: {clientIP: {timeoutSeconds: {c: 3}}}',
        '  selector: {app: {d: 4}}',
        '  ports:',
        '  - protocol: UDP',
        '    targetPort: [1]',
      ].join('\n'),
      'svc.yaml',
    );
    const config = readLbConfig(file);
    expect(config.listeners).toHaveLength(1);
    const l = config.listeners[0]!;
    expect(l.listen).toBe('(unnamed):(no port)');
    expect(l.sticky?.seconds).toBe(10800);
    const text = lbTable({ configs: [config] }, PLAIN);
    expect(text).not.toMatch(INTERNAL);
    expect(JSON.stringify(lbToJson({ configs: [config] }))).not.toMatch(INTERNAL);
  });

  it('the YAML package\'s warnings do not reach stderr', () => {
    const warn = vi.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      // a mapping used as a key: the package warns that it will be stringified
      const docs = readYamlDocuments('w.yaml', 'apiVersion: v1\nkind: Service\nmetadata:\n  ? [a, b]\n  : c\n');
      expect(docs).toHaveLength(1);
      expect(docs[0]!.value).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { '[ a, b ]': 'c' } });
      expect(warn).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
    }
  });

  it('a YAML config over the size limit is refused before it is parsed', () => {
    const e = errorOf(() => readYamlDocuments('big.yaml', `# ${'x'.repeat(MAX_YAML_BYTES)}\n`));
    expect(e.issue.message).toMatch(/^a YAML\/JSON config of \d+ characters is more than the \d+ quiclens reads/);
  });
});

describe('values the fuzzer found shown as internals (issue 12 §8, npm run fuzz)', () => {
  it('nginx: worker_processes without a value', () => {
    const config = readLbConfig(write('worker_processes;\nevents {}\nhttp {\n  server {\n    listen 443 quic reuseport;\n  }\n}\n'));
    const text = lbTable({ configs: [config] }, PLAIN);
    expect(text).toContain('worker_processes (no value) at line 1');
    expect(text).not.toMatch(INTERNAL);
  });

  it('Envoy: an endpoint without a port is named by its address alone', () => {
    const yaml = readFileSync(join(__dirname, 'configs/envoy-udp-maglev.yaml'), 'utf8')
      .replace('{ address: 10.0.0.1, port_value: 443 }', '{ address: 10.0.0.1, port_value: {x: 1} }')
      .replace(/\n.*10\.0\.0\.2.*/, '');
    const config = readLbConfig(write(yaml, 'envoy-no-port.yaml'));
    expect(config.listeners[0]!.backends.map((b) => b.address)).toEqual(['10.0.0.1']);
    expect(lbTable({ configs: [config] }, PLAIN)).not.toMatch(INTERNAL);
  });

  it('ipvsadm: a persistence or weight that is not a number is refused with its line', () => {
    const p = errorOf(() => readLbConfig(write('-A -u 192.0.2.12:443 -s rr -p x\n-a -u 192.0.2.12:443 -r 10.0.0.1:443 -g -w 1\n', 'ipvs-p.txt')));
    expect(p.issue).toMatchObject({ line: 1, message: "expected -p SECONDS (a whole number), found 'x'" });
    const w = errorOf(() => readLbConfig(write('-A -u 192.0.2.12:443 -s rr\n-a -u 192.0.2.12:443 -r 10.0.0.1:443 -g -w NaN\n', 'ipvs-w.txt')));
    expect(w.issue).toMatchObject({ line: 2, message: "expected -w WEIGHT (a whole number), found 'NaN'" });
  });

  it('QUIC-LB: a server ID that is a mapping is quoted on one line', () => {
    const yaml = 'kind: quic-lb\nlisten: 0.0.0.0:443\nconfigs:\n  - configId: 0\n    serverIdLength: 3\n    nonceLength: 4\n    servers:\n      ? {a: [1, 2]}\n      : 10.0.0.1:443\n';
    const e = errorOf(() => readLbConfig(write(yaml, 'quic-lb-key.yaml')));
    expect(e.issue.message).not.toMatch(/\n/);
    expect(e.issue.message).toMatch(/^server ID .* is not 3 octets of hex \(6 digits\)$/);
  });
});

describe('lb check on 130,000 listeners (issue 12 §8)', () => {
  it('the table is printed as aligned lines instead of overflowing the stack, every listener in it', () => {
    const listener = (i: number) =>
      testListener('kubernetes-service', `ns/svc${i}:443`, { location: { file: 'services.yaml', line: i + 1, column: 1 } });
    const config: LbConfig = { file: 'services.yaml', kind: 'kubernetes', listeners: Array.from({ length: 130_000 }, (_, i) => listener(i)) };
    const text = lbTable({ configs: [config] }, PLAIN);
    // one row per listener, then its detail paragraph: both start with the place
    expect(text.match(/^services\.yaml:\d+ +kubernetes-service +ns\/svc\d+:443 +four_tuple +breaks/gm)).toHaveLength(130_000);
    expect(text).toContain('ns/svc129999:443');
  });
});
