import { createHmac, timingSafeEqual } from 'node:crypto';

/*
 * Access tokens of the emulated identity platform: HS256 JWTs signed with a key that lives in
 * memory and is shared only with the emulated admin API, so that API accepts exactly the
 * tokens this identity emulator issued.
 */

export type Claims = Record<string, unknown>;

function part(value: object): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function signHs256(claims: Claims, key: Buffer): string {
  const input = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `${input}.${createHmac('sha256', key).update(input).digest('base64url')}`;
}

/** The decoded parts of a compact JWT, or undefined when it is not one. */
export function decodeJwt(
  token: string,
): { header: Claims; payload: Claims; signingInput: string; signature: Buffer } | undefined {
  const pieces = token.split('.');
  if (pieces.length !== 3) {
    return undefined;
  }
  const [header = '', payload = '', signature = ''] = pieces;
  try {
    const headerJson: unknown = JSON.parse(Buffer.from(header, 'base64url').toString('utf8'));
    const payloadJson: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (
      !headerJson ||
      typeof headerJson !== 'object' ||
      !payloadJson ||
      typeof payloadJson !== 'object'
    ) {
      return undefined;
    }
    return {
      header: headerJson as Claims,
      payload: payloadJson as Claims,
      signingInput: `${header}.${payload}`,
      signature: Buffer.from(signature, 'base64url'),
    };
  } catch {
    return undefined;
  }
}

export function verifyHs256(token: string, key: Buffer): Claims | undefined {
  const decoded = decodeJwt(token);
  if (!decoded || decoded.header.alg !== 'HS256') {
    return undefined;
  }
  const expected = createHmac('sha256', key).update(decoded.signingInput).digest();
  return expected.length === decoded.signature.length &&
    timingSafeEqual(expected, decoded.signature)
    ? decoded.payload
    : undefined;
}
