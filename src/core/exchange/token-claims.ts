/**
 * What the admin client reads from its own access token: who it is (app or person), for the
 * routing header and for naming the missing role in a 403. The signature is not checked here;
 * Exchange checks it, and nothing is granted on the strength of these claims.
 */
export interface TokenIdentity {
  kind: 'app' | 'user';
  /** Client id for apps, sign-in name for people. */
  name?: string;
  /** Tenant GUID from `tid`. */
  tenantId?: string;
}

export function readTokenIdentity(token: string): TokenIdentity | undefined {
  const payload = token.split('.')[1];
  if (!payload) {
    return undefined;
  }
  let claims: Record<string, unknown>;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    if (parsed === null || typeof parsed !== 'object') {
      return undefined;
    }
    claims = parsed as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const text = (name: string): string | undefined => {
    const value = claims[name];
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const tenantId = text('tid');
  const user = text('upn') ?? text('preferred_username') ?? text('unique_name');
  const isApp = text('idtyp') === 'app' || (user === undefined && text('scp') === undefined);
  const identity: TokenIdentity = isApp
    ? { kind: 'app', name: text('appid') ?? text('azp') }
    : { kind: 'user', name: user };
  if (tenantId) {
    identity.tenantId = tenantId;
  }
  return identity;
}
