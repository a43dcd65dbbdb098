/**
 * Self-signed serving certificate for one sandbox: EC P-256, SHA-256, CN 127.0.0.1, SAN
 * IP:127.0.0.1, IP:::1, DNS:localhost, marked as a CA so it can be its own trust anchor
 * (kubeconfig `certificate-authority-data`, client-node `caData`). Valid for one year.
 */
import { generate } from 'selfsigned';

/** PEM-encoded certificate and private key. */
export interface ServingCertificate {
  cert: string;
  key: string;
}

/** Generates a fresh certificate (a few milliseconds with EC keys). */
export async function generateCertificate(): Promise<ServingCertificate> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 60_000),
    extensions: [
      { name: 'basicConstraints', cA: true, critical: true },
      { name: 'keyUsage', digitalSignature: true, keyCertSign: true, critical: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          { type: 7, ip: '127.0.0.1' },
          { type: 7, ip: '::1' },
          { type: 2, value: 'localhost' },
        ],
      },
    ],
  });
  return { cert: pems.cert, key: pems.private };
}
