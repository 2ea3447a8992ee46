import { formatVersion, versionInfo } from '../../quic/versions.js';
import type { Connection } from '../connection.js';
import type { CaseVerdict } from './test-cases.js';
import { expectComplete, expectHandshakes, Judgement, type CaseInputs } from './judgement.js';

/** the Retry packets of the capture's connections, in order */
function retriesOf(inp: CaseInputs) {
  return inp.connections.flatMap((c) => inp.evidence(c).retries);
}

/** runner `handshake`: one handshake, no Retry, one version in the server's Initials, and (ours) the handshake completed */
export function handshakeCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('handshake');
  const conns = expectHandshakes(j, inp, 1);
  const retries = retriesOf(inp);
  if (retries.length > 0) j.breaks(`the server sent a Retry (frame ${retries[0]!.frame}); this case expects none`, [retries[0]!.frame]);
  const versions = new Map<number, number>();
  for (const c of conns) for (const [v, f] of inp.evidence(c).versions.serverInitial) if (!versions.has(v)) versions.set(v, f);
  if (versions.size > 1) j.breaks(`the server's Initials use ${versions.size} versions (${[...versions.keys()].map(formatVersion).join(', ')}), one expected`, [...versions.values()]);
  else if (versions.size === 1) j.holds(`version ${versionInfo([...versions.keys()][0]!).name}`);
  if (conns.length === 1) expectComplete(j, inp, conns[0]!);
  return j.verdict();
}

/** RFC 9114 §8.1: H3_NO_ERROR; RFC 9000 §20.1: NO_ERROR */
const H3_NO_ERROR = 0x100;

function cleanClose(c: Connection, space: 'transport' | 'application', raw: number): boolean {
  if (raw === 0) return true;
  return space === 'application' && raw === H3_NO_ERROR && c.tls.encryptedExtensions?.alpn?.startsWith('h3') === true;
}

/**
 * runner `transfer`: one handshake and the files downloaded. The files are not in a
 * capture: ours asks instead that every request stream the client opened was answered to
 * its FIN, none reset, and that a CONNECTION_CLOSE, where one was read, carries no error.
 */
export function transferCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('transfer');
  const conns = expectHandshakes(j, inp, 1);
  if (conns.length !== 1) return j.verdict();
  const c = conns[0]!;
  expectComplete(j, inp, c);
  const s = inp.streams?.(c);
  if (!s) j.unknown('the streams of this input were not followed');
  else if (s.known.evidence === 'unknown') j.unknown(`the streams are unknown: ${s.known.reason}`);
  else {
    const requests = s.streams.filter((st) => st.opener === 'client' && st.directionality === 'bidi');
    if (requests.length === 0) j.breaks('the client opened no request stream');
    for (const st of requests) {
      const reset = st.client.reset ?? st.server.reset;
      if (reset) j.breaks(`stream ${st.id} was reset (error ${reset.errorCode}, frame ${reset.frame})`, [reset.frame]);
      else if (!st.server.fin) j.breaks(`stream ${st.id}: the response never reached its FIN (${st.server.bytes} bytes seen)`);
    }
    const answered = requests.filter((st) => st.server.fin && !st.server.reset && !st.client.reset);
    if (answered.length > 0 && answered.length === requests.length) {
      j.holds(`${answered.length} request stream${answered.length === 1 ? '' : 's'} answered to the FIN (${answered.reduce((n, st) => n + st.server.bytes, 0)} response bytes)`);
    }
  }
  const closes = inp.evidence(c).closes;
  for (const cl of closes) {
    if (cleanClose(c, cl.space, cl.raw)) j.holds(`the ${cl.by} closed with no error (frame ${cl.frame})`, [cl.frame]);
    else j.breaks(`the ${cl.by} closed with ${cl.space} error ${cl.code} (frame ${cl.frame})`, [cl.frame]);
  }
  return j.verdict();
}

/**
 * runner `retry`: one handshake; the server sent a Retry; a later client Initial carries its
 * token, with packet numbers that go on from before (RFC 9000 §17.2.5.3). Ours also wants
 * the Retry's integrity tag to verify (RFC 9001 §5.8) and the handshake complete.
 */
export function retryCase(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('retry');
  const conns = expectHandshakes(j, inp, 1);
  const retries = retriesOf(inp);
  if (retries.length === 0) return j.breaks('the server sent no Retry').verdict();
  for (const r of retries) {
    if (r.integrity === 'invalid') j.breaks(`the Retry's integrity tag does not verify (frame ${r.frame}, RFC 9001 §5.8)`, [r.frame]);
  }
  const tokens = new Set(retries.map((r) => r.token));
  const c = conns.find((x) => inp.evidence(x).retries.length > 0) ?? inp.connections.find((x) => inp.evidence(x).retries.length > 0)!;
  j.about([c]);
  const e = inp.evidence(c);
  const echo = e.tokenInitial;
  if (!echo) j.breaks(`no client Initial after the Retry (frame ${retries[0]!.frame}) carries a token`, [retries[0]!.frame]);
  else if (!tokens.has(echo.token)) j.breaks(`the client's Initial (frame ${echo.frame}) carries a token the Retry did not give`, [retries[0]!.frame, echo.frame]);
  else {
    j.holds(`the client's Initial (frame ${echo.frame}) echoes the token of the Retry (frame ${retries[0]!.frame})`, [retries[0]!.frame, echo.frame]);
    const before = e.highestPnBeforeToken;
    if (echo.pn === null) j.unknown(`the packet number of the client's Initial (frame ${echo.frame}) could not be read`, [echo.frame]);
    else if (before !== null && echo.pn <= before) j.breaks(`the client reset its packet numbers after the Retry: pn ${echo.pn} after ${before} (RFC 9000 §17.2.5.3)`, [echo.frame]);
  }
  if (conns.length === 1) expectComplete(j, inp, conns[0]!);
  return j.verdict();
}

/**
 * runner `v2`: the server's Initials and both sides' Handshake packets in QUIC v2. The
 * runner also wants the client to start in v1 (compatible version negotiation, RFC 9368);
 * ours accepts a client that starts in v2, and says which it did. The v2 draft version
 * ngtcp2 0.12 speaks counts as v2.
 */
export function v2Case(inp: CaseInputs): CaseVerdict {
  const j = new Judgement('v2');
  const conns = expectHandshakes(j, inp, 1);
  const isV2 = (v: number) => versionInfo(v).family === 'v2';
  const list = (m: Map<number, number>) => [...m.keys()].map(formatVersion).join(', ');
  for (const c of conns) {
    const e = inp.evidence(c).versions;
    const who = conns.length > 1 ? `connection ${c.id}: ` : '';
    const firstClient = [...e.clientInitial.entries()][0];
    if (firstClient) {
      const [v, f] = firstClient;
      j.holds(who + (isV2(v) ? `the client started in ${versionInfo(v).name} (frame ${f})` : `the client started in ${versionInfo(v).name} and the server moved it to v2 (compatible version negotiation, RFC 9368)`), [f]);
    }
    const serverV2 = [...e.serverInitial.entries()].find(([v]) => isV2(v));
    if (serverV2) j.holds(`${who}the server's Initial is ${versionInfo(serverV2[0]).name} (frame ${serverV2[1]})`, [serverV2[1]]);
    else j.breaks(`${who}no server Initial in QUIC v2 (${list(e.serverInitial) || 'none'})`, [...e.serverInitial.values()]);
    for (const side of ['client', 'server'] as const) {
      const hs = side === 'client' ? e.clientHandshake : e.serverHandshake;
      const other = [...hs.entries()].filter(([v]) => !isV2(v));
      if (hs.size === 0) j.breaks(`${who}the ${side} sent no Handshake packet`);
      else if (other.length > 0) j.breaks(`${who}the ${side}'s Handshake packets are not all v2 (${list(hs)})`, other.map(([, f]) => f));
      else j.holds(`${who}the ${side}'s Handshake packets are v2`, [...hs.values()]);
    }
  }
  return j.verdict();
}
