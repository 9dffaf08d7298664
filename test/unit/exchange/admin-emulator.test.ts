import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ClientCredentialsTokenSource } from '../../../src/core/exchange/client-credentials-token-source';
import { IdentityClient } from '../../../src/core/exchange/identity-client';
import { exchangeScope } from '../../../src/core/exchange/token-source';
import type { ExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../emulators/exchange/start-exchange-emulators';
import {
  ADMIN_APP,
  ADMIN_SECRET,
  READER_APP,
  READER_SECRET,
  TENANT_ID,
  baseSeed,
  guardLoopback,
  recordingLogger,
} from './exchange-test-kit';

/*
 * The emulated admin API on the wire, as a client that is not ours would see it: the status,
 * the JSON shapes, and the parameter rules Exchange Online documents. The product's clients are
 * tested against this emulator, so the emulator itself must hold to the reference.
 */

interface Answer {
  status: number;
  headers: Headers;
  json: Record<string, unknown> | undefined;
}

describe('the emulated Exchange admin API', () => {
  const guard = guardLoopback();
  const log = recordingLogger();
  let emulators: ExchangeEmulators;
  let token = '';
  let readerToken = '';

  before(async () => {
    emulators = await startExchangeEmulators(baseSeed());
    const appToken = (clientId: string, secret: string): Promise<string> =>
      new ClientCredentialsTokenSource({
        identity: new IdentityClient({
          loginBaseUrl: emulators.loginUrl,
          tenant: TENANT_ID,
          logger: log.logger,
          timeoutMs: 5000,
        }),
        clientId,
        scope: exchangeScope(emulators.adminUrl),
        loadCredential: () => Promise.resolve({ kind: 'secret', secret }),
        logger: log.logger,
      }).getToken();
    token = await appToken(ADMIN_APP, ADMIN_SECRET);
    readerToken = await appToken(READER_APP, READER_SECRET);
  });

  after(async () => {
    await emulators.close();
    guard.dispose();
    assert.deepEqual(guard.violations, []);
  });

  async function invoke(
    cmdlet: string,
    parameters: Record<string, unknown>,
    options: { bearer?: string | null; url?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = { 'Content-Type': 'application/json' };
    const bearer = options.bearer === undefined ? token : options.bearer;
    if (bearer !== null) {
      headers.Authorization = `Bearer ${bearer}`;
    }
    const response = await fetch(
      options.url ?? `${emulators.adminUrl}/adminapi/beta/${TENANT_ID}/InvokeCommand`,
      {
        method: 'POST',
        headers,
        body: JSON.stringify({ CmdletInput: { CmdletName: cmdlet, Parameters: parameters } }),
      },
    );
    const text = await response.text();
    let json: Record<string, unknown> | undefined;
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      json = undefined;
    }
    return { status: response.status, headers: response.headers, json };
  }

  /** The server's text of a 400, where Exchange puts it: details[0].message after `|Type|`. */
  function errorText(answer: Answer): string {
    assert.equal(answer.status, 400);
    const error = answer.json?.error as {
      code: string;
      message: string;
      details: { message: string }[];
      innererror: { internalexception: { message: string } };
    };
    assert.equal(error.code, 'BadRequest');
    assert.equal(error.message, 'Invalid Operation');
    const detail = error.details[0]?.message ?? '';
    assert.match(detail, /^[^|]*\|[\w.]+\|/);
    assert.equal(
      detail.replace(/^[^|]*\|[\w.]+\|/, ''),
      error.innererror.internalexception.message,
    );
    return error.innererror.internalexception.message;
  }

  it('refuses UseMXRecord $false without SmartHosts in the same command', async () => {
    const answer = await invoke('New-OutboundConnector', {
      Name: 'No hosts',
      ConnectorType: 'OnPremises',
      RecipientDomains: ['example.com'],
      UseMXRecord: false,
    });
    assert.match(errorText(answer), /SmartHosts parameter must be specified/);
    assert.equal(emulators.state.outboundConnectors.length, 0, 'nothing was created');
  });

  it('refuses a smart host with a port, and accepts one without', async () => {
    const withPort = await invoke('New-OutboundConnector', {
      Name: 'Port',
      UseMXRecord: false,
      SmartHosts: ['mail.example.com:25'],
    });
    assert.match(errorText(withPort), /port 25 only/);
    const fine = await invoke('New-OutboundConnector', {
      Name: 'Fine',
      ConnectorType: 'OnPremises',
      UseMXRecord: false,
      SmartHosts: ['mail.example.com'],
    });
    assert.equal(fine.status, 200);
  });

  it('takes IPv4 sender addresses only, from /24 to /32', async () => {
    const v6 = await invoke('New-InboundConnector', {
      Name: 'V6',
      ConnectorType: 'OnPremises',
      SenderDomains: ['*'],
      SenderIPAddresses: ['2001:db8::25'],
    });
    assert.match(errorText(v6), /IPv4 addresses and IPv4 ranges only/);
    const wide = await invoke('New-InboundConnector', {
      Name: 'Wide',
      ConnectorType: 'OnPremises',
      SenderDomains: ['*'],
      SenderIPAddresses: ['198.51.0.0/16'],
    });
    assert.match(errorText(wide), /from \/24 to \/32/);
    assert.equal(emulators.state.inboundConnectors.length, 0);
  });

  it('stores sender domains as smtp:<domain>;1 and returns them so', async () => {
    const created = await invoke('New-InboundConnector', {
      Name: 'From mailcow',
      ConnectorType: 'OnPremises',
      SenderDomains: ['*', 'example.com'],
      TlsSenderCertificateName: 'mail.example.com',
      RequireTls: true,
      RestrictDomainsToCertificate: true,
    });
    assert.equal(created.status, 200);
    const read = await invoke('Get-InboundConnector', { Identity: 'From mailcow' });
    const [connector] = read.json?.value as Record<string, unknown>[];
    assert.deepEqual(connector?.SenderDomains, ['smtp:*;1', 'smtp:example.com;1']);
    assert.equal(connector?.['SenderDomains@odata.type'], '#Collection(String)');
  });

  it('has no New-AcceptedDomain, as Exchange Online has none', async () => {
    const answer = await invoke('New-AcceptedDomain', { Name: 'x', DomainName: 'x.example' });
    assert.match(errorText(answer), /'New-AcceptedDomain' is not recognized as a name of a cmdlet/);
  });

  it('switches an accepted domain to InternalRelay and says when nothing changed', async () => {
    const first = await invoke('Set-AcceptedDomain', {
      Identity: 'example.com',
      DomainType: 'InternalRelay',
    });
    assert.deepEqual(first.json?.['@adminapi.warnings'], []);
    const second = await invoke('Set-AcceptedDomain', {
      Identity: 'example.com',
      DomainType: 'InternalRelay',
    });
    assert.match(String((second.json?.['@adminapi.warnings'] as string[])[0]), /no settings/);
    const unknown = await invoke('Set-AcceptedDomain', {
      Identity: 'nowhere.example',
      DomainType: 'InternalRelay',
    });
    assert.match(errorText(unknown), /couldn't be found/);
  });

  it('pages with @odata.nextLink and asks for the same body there', async () => {
    emulators.admin.setPageSize(1);
    try {
      const first = await invoke('Get-AcceptedDomain', {});
      assert.equal((first.json?.value as unknown[]).length, 1);
      const next = String(first.json?.['@odata.nextLink']);
      assert.ok(next.startsWith(emulators.adminUrl));
      const second = await invoke('Get-AcceptedDomain', {}, { url: next });
      assert.equal((second.json?.value as unknown[]).length, 1);
      assert.equal(second.json?.['@odata.nextLink'], undefined);
      const other = await invoke('Get-InboundConnector', {}, { url: next });
      assert.equal(other.status, 400, 'a used or foreign link is refused');
    } finally {
      emulators.admin.setPageSize(1000);
    }
  });

  it('answers 401 with a Bearer challenge to a missing or foreign token', async () => {
    const missing = await invoke('Get-AcceptedDomain', {}, { bearer: null });
    assert.equal(missing.status, 401);
    assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer .*error="invalid_token"/);
    const forged = await invoke('Get-AcceptedDomain', {}, { bearer: `${token.slice(0, -4)}AAAA` });
    assert.equal(forged.status, 401);
  });

  it('lets a reader read but answers its writes with a 403 whose body is not JSON', async () => {
    const read = await invoke('Get-AcceptedDomain', {}, { bearer: readerToken });
    assert.equal(read.status, 200);
    const before = JSON.stringify(emulators.state.acceptedDomains);
    const write = await invoke(
      'Set-AcceptedDomain',
      { Identity: 'example.com', DomainType: 'Authoritative' },
      { bearer: readerToken },
    );
    assert.equal(write.status, 403);
    assert.equal(write.json, undefined);
    assert.equal(JSON.stringify(emulators.state.acceptedDomains), before);
  });

  it('passes a queued 429 with its Retry-After to the client, then serves again', async () => {
    emulators.admin.enqueueFault({
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { error: { code: 'TooManyRequests', message: 'Too many requests' } },
    });
    const throttled = await invoke('Get-AcceptedDomain', {});
    assert.equal(throttled.status, 429);
    assert.equal(throttled.headers.get('retry-after'), '7');
    const served = await invoke('Get-AcceptedDomain', {});
    assert.equal(served.status, 200);
  });

  it('runs Get-MessageTraceV2 within its 10-day window only', async () => {
    const now = Date.now();
    const ok = await invoke('Get-MessageTraceV2', {
      StartDate: new Date(now - 2 * 86_400_000).toISOString(),
      EndDate: new Date(now).toISOString(),
    });
    assert.equal(ok.status, 200);
    const tooLong = await invoke('Get-MessageTraceV2', {
      StartDate: new Date(now - 11 * 86_400_000).toISOString(),
      EndDate: new Date(now).toISOString(),
    });
    assert.match(errorText(tooLong), /can't exceed 10 days/);
  });
});
