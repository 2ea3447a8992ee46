import { X509Certificate } from 'node:crypto';
import { ByteReader } from '../wire/byte-reader.js';

/** The server's certificate (RFC 8446 §4.4.2), as far as a person auditing it cares. */
export interface CertificateSummary {
  subject: string;
  issuer: string;
  subjectAltNames: string[];
  validFrom: string;
  validTo: string;
  /** certificates in the chain, the server's own first */
  chainLength: number;
}

export function parseCertificate(body: Buffer, base = 0): CertificateSummary | undefined {
  const r = new ByteReader(body, base);
  r.skip(r.u8('the certificate_request_context length'), 'certificate_request_context');
  const list = r.sub(r.u24('the certificate_list length'), 'certificate_list');
  const ders: Buffer[] = [];
  while (!list.atEnd) {
    ders.push(list.bytes(list.u24('a certificate length'), 'a certificate'));
    list.skip(list.u16('the certificate extensions length'), 'certificate extensions');
  }
  if (ders.length === 0) return undefined;
  // the certificate is raw DER (RFC 8446 §4.4.2.1); node:crypto reads it
  const x = new X509Certificate(ders[0]!);
  return {
    subject: x.subject.replace(/\n/g, ', '),
    issuer: x.issuer.replace(/\n/g, ', '),
    subjectAltNames: (x.subjectAltName ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    validFrom: new Date(x.validFrom).toISOString(),
    validTo: new Date(x.validTo).toISOString(),
    chainLength: ders.length,
  };
}
