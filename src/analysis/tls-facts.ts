import { parseTransportParameters, type TransportParameters } from '../quic/transport-parameters.js';
import { parseCertificate, type CertificateSummary } from '../tls/certificate.js';
import { parseClientHello, type ClientHello } from '../tls/client-hello.js';
import { parseEncryptedExtensions, type EncryptedExtensions } from '../tls/encrypted-extensions.js';
import { HandshakeType, type HandshakeMessage } from '../tls/handshake-message.js';
import { gquicClientHello, type GquicClientHello, type GquicMessage } from '../tls/gquic-handshake.js';
import { ja4 } from '../tls/ja4.js';
import { parseNewSessionTicket, type NewSessionTicket } from '../tls/new-session-ticket.js';
import { parseServerHello, type ServerHello } from '../tls/server-hello.js';
import type { Role } from './connection.js';

/** What the TLS handshake inside a connection's CRYPTO frames said (RFC 9001 §4). */
export interface TlsFacts {
  clientHello?: ClientHello;
  ja4?: string;
  serverHello?: ServerHello;
  helloRetryRequest: boolean;
  encryptedExtensions?: EncryptedExtensions;
  certificate?: CertificateSummary;
  tickets: NewSessionTicket[];
  clientParameters?: TransportParameters;
  serverParameters?: TransportParameters;
  finished: { client: boolean; server: boolean };
  /** the cipher suite a log (qlog's tls_cipher) names, where no ServerHello was read */
  loggedCipherSuite?: string;
  /** gQUIC's own handshake (Q050 and before): the client's CHLO, in plaintext */
  gquicHello?: GquicClientHello;
  /** messages that could not be read, in words */
  problems: string[];
}

export function emptyTlsFacts(): TlsFacts {
  return { helloRetryRequest: false, tickets: [], finished: { client: false, server: false }, problems: [] };
}

/** a gQUIC handshake message: the client's CHLO is kept (the last one, which is complete) */
export function recordGquicMessage(facts: TlsFacts, from: Role, m: GquicMessage): void {
  if (from === 'client' && m.tag === 'CHLO') facts.gquicHello = gquicClientHello(m);
}

/** Adds one handshake message; a message that cannot be read is noted and the rest kept. */
export function recordHandshakeMessage(facts: TlsFacts, from: Role, m: HandshakeMessage): void {
  try {
    switch (m.type) {
      case HandshakeType.client_hello:
        if (from !== 'client') break;
        facts.clientHello = parseClientHello(m.body);
        facts.ja4 = ja4(facts.clientHello);
        if (facts.clientHello.transportParameters) facts.clientParameters = parseTransportParameters(facts.clientHello.transportParameters);
        break;
      case HandshakeType.server_hello: {
        if (from !== 'server') break;
        const sh = parseServerHello(m.body);
        if (sh.helloRetryRequest) facts.helloRetryRequest = true;
        else facts.serverHello = sh;
        break;
      }
      case HandshakeType.encrypted_extensions:
        facts.encryptedExtensions = parseEncryptedExtensions(m.body);
        if (facts.encryptedExtensions.transportParameters) {
          facts.serverParameters = parseTransportParameters(facts.encryptedExtensions.transportParameters);
        }
        break;
      case HandshakeType.certificate:
        if (from === 'server') facts.certificate = parseCertificate(m.body);
        break;
      case HandshakeType.new_session_ticket:
        facts.tickets.push(parseNewSessionTicket(m.body));
        break;
      case HandshakeType.finished:
        facts.finished[from] = true;
        break;
    }
  } catch (err) {
    facts.problems.push(`${from} handshake message ${m.type}: ${(err as Error).message}`);
  }
}
