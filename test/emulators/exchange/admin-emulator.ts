import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import { randomBytes } from 'node:crypto';
import { CmdletError, cmdletCatalogue, isWriteCmdlet, runCmdlet } from './admin-cmdlets';
import { closeServer, listenOnLoopback, readBody, send } from './emulator-http';
import type { Claims } from './emulator-jwt';
import type { ExchangeEmulatorState, Raw } from './exchange-state-store';
import { createState } from './exchange-state-store';
import type { ExchangeSeed } from './exchange-seed';
import { APP_PERMISSION, DELEGATED_SCOPE, ROLE_TEMPLATE_IDS } from './exchange-seed';
import type { IdentityEmulator } from './identity-emulator';

/*
 * Exchange Online's admin REST endpoint (`/adminapi/beta/<tenant>/InvokeCommand`) over the
 * emulated tenant state: bearer tokens checked against the identity emulator, roles enforced,
 * results paged with `@odata.nextLink` (the client re-POSTs the same body there), and errors in
 * the shapes Exchange uses, including its non-JSON 403.
 */

export interface AdminEmulatorOptions {
  /** Objects per page before `@odata.nextLink`; a client's `Prefer: odata.maxpagesize` can lower it. */
  pageSize?: number;
  /** The emulator's idea of now, for message-trace windows. */
  now?: () => number;
}

/** An answer to send instead of running the cmdlet, for throttling and failure tests. */
export interface AdminFault {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  /** Only for this cmdlet; any cmdlet when left out. */
  cmdlet?: string;
}

export interface RecordedAdminRequest {
  url: string;
  headers: Record<string, string>;
  cmdlet: string;
  parameters: Raw;
  body: string;
  status: number;
}

export interface ExchangeAdminEmulator {
  /** Base URL to use as `exchange.endpoints.admin`. */
  readonly url: string;
  readonly state: ExchangeEmulatorState;
  readonly requests: RecordedAdminRequest[];
  enqueueFault(fault: AdminFault): void;
  setPageSize(size: number): void;
  close(): Promise<void>;
}

const READ_ROLES = ['Global Administrator', 'Exchange Administrator', 'Global Reader'].map(
  (role) => ROLE_TEMPLATE_IDS[role] as string,
);
const WRITE_ROLES = ['Global Administrator', 'Exchange Administrator'].map(
  (role) => ROLE_TEMPLATE_IDS[role] as string,
);

/** Adds the `X@odata.type` annotation Exchange puts beside every multi-valued property. */
function annotate(object: Raw): Raw {
  const result: Raw = {};
  for (const [name, value] of Object.entries(object)) {
    if (Array.isArray(value)) {
      result[`${name}@odata.type`] = '#Collection(String)';
    }
    result[name] = value;
  }
  return result;
}

function cmdletErrorBody(error: CmdletError): object {
  const detail = `${error.errorId}|${error.exceptionType}|${error.message}`;
  return {
    error: {
      code: 'BadRequest',
      message: 'Invalid Operation',
      details: [{ code: 'Client', target: '', message: detail }],
      innererror: {
        message: error.message,
        type: error.exceptionType,
        stacktrace: '',
        internalexception: { message: error.message, type: error.exceptionType, stacktrace: '' },
      },
    },
    '@adminapi.warnings': [],
  };
}

interface Continuation {
  body: string;
  remaining: Raw[];
  warnings: string[];
}

export async function startExchangeAdminEmulator(
  seed: ExchangeSeed,
  identity: IdentityEmulator,
  options: AdminEmulatorOptions = {},
): Promise<ExchangeAdminEmulator> {
  const state = createState(seed);
  const catalogue = cmdletCatalogue(options.now ?? (() => Date.now()));
  const faults: AdminFault[] = [];
  const requests: RecordedAdminRequest[] = [];
  const continuations = new Map<string, Continuation>();
  let pageSize = options.pageSize ?? 1000;
  let url = '';

  const tenantMatches = (value: string): boolean =>
    value.toLowerCase() === seed.tenantId.toLowerCase() ||
    value.toLowerCase() === seed.initialDomain.toLowerCase();

  function page(
    response: ServerResponse,
    tenant: string,
    body: string,
    objects: Raw[],
    warnings: string[],
    size: number,
  ): void {
    const first = objects.slice(0, size);
    const rest = objects.slice(size);
    const payload: Raw = {
      '@odata.context': `${url}/adminapi/beta/${tenant}/$metadata#Collection(Exchange.GenericHashTable)`,
      'adminapi.warnings@odata.type': '#Collection(String)',
      '@adminapi.warnings': warnings,
      value: first.map(annotate),
    };
    if (rest.length > 0) {
      const token = randomBytes(12).toString('base64url');
      continuations.set(token, { body, remaining: rest, warnings: [] });
      payload['@odata.nextLink'] =
        `${url}/adminapi/beta/${tenant}/InvokeCommand?$skiptoken=${token}`;
    }
    send(response, 200, payload);
  }

  /** Which roles the token holds, or why it may not run the cmdlet at all. */
  function mayRun(claims: Claims, cmdlet: string): boolean {
    const wids = Array.isArray(claims.wids) ? claims.wids.map(String) : [];
    const permitted =
      claims.idtyp === 'app'
        ? Array.isArray(claims.roles) && claims.roles.includes(APP_PERMISSION)
        : typeof claims.scp === 'string' && claims.scp.split(' ').includes(DELEGATED_SCOPE);
    const roles = isWriteCmdlet(catalogue, cmdlet) ? WRITE_ROLES : READ_ROLES;
    return permitted && wids.some((wid) => roles.includes(wid));
  }

  async function handle(
    request: IncomingMessage,
    response: ServerResponse,
    record: RecordedAdminRequest,
  ): Promise<number> {
    const parsedUrl = new URL(request.url ?? '/', 'http://emulator');
    const match = /^\/adminapi\/beta\/([^/]+)\/InvokeCommand$/.exec(parsedUrl.pathname);
    const raw = await readBody(request);
    record.body = raw.toString('utf8');
    let input: { CmdletInput?: { CmdletName?: unknown; Parameters?: unknown } } | undefined;
    try {
      input = JSON.parse(record.body) as typeof input;
    } catch {
      input = undefined;
    }
    const cmdlet =
      typeof input?.CmdletInput?.CmdletName === 'string' ? input.CmdletInput.CmdletName : '';
    const parameters =
      input?.CmdletInput?.Parameters && typeof input.CmdletInput.Parameters === 'object'
        ? (input.CmdletInput.Parameters as Raw)
        : {};
    record.cmdlet = cmdlet;
    record.parameters = parameters;

    const faultIndex = faults.findIndex(
      (fault) => fault.cmdlet === undefined || fault.cmdlet === cmdlet,
    );
    if (faultIndex >= 0) {
      const [fault] = faults.splice(faultIndex, 1);
      if (fault) {
        send(response, fault.status, fault.body, fault.headers);
        return fault.status;
      }
    }
    if (request.method !== 'POST' || !match) {
      send(response, 404, undefined);
      return 404;
    }
    const tenant = decodeURIComponent(match[1] ?? '');
    if (!tenantMatches(tenant)) {
      send(response, 404, undefined);
      return 404;
    }
    const authorization = request.headers.authorization ?? '';
    const bearer = /^Bearer (.+)$/i.exec(authorization)?.[1];
    const check = identity.verifyAccessToken(bearer, url);
    if (!check.ok || check.claims.tid !== seed.tenantId) {
      const reason = check.ok ? 'tenant' : check.reason;
      send(response, 401, undefined, {
        'WWW-Authenticate': `Bearer authorization_uri="${identity.url}/${seed.tenantId}/oauth2/v2.0/authorize", error="invalid_token", error_description="${reason}"`,
      });
      return 401;
    }
    if (!input || cmdlet === '') {
      const error = new CmdletError(
        'System.ArgumentException',
        'The request body must hold CmdletInput with a CmdletName.',
      );
      send(response, 400, cmdletErrorBody(error));
      return 400;
    }
    const headerCmdlet = request.headers['x-cmdletname'];
    if (typeof headerCmdlet === 'string' && headerCmdlet.toLowerCase() !== cmdlet.toLowerCase()) {
      const error = new CmdletError(
        'System.ArgumentException',
        `X-CmdletName '${headerCmdlet}' does not match the cmdlet '${cmdlet}' in the body.`,
      );
      send(response, 400, cmdletErrorBody(error));
      return 400;
    }
    if (!mayRun(check.claims, cmdlet)) {
      // Exchange answers a caller without the needed role with a body that is not JSON.
      send(response, 403, Buffer.from([0, 0, 0, 0]), {
        'Content-Type': 'application/octet-stream',
      });
      return 403;
    }
    const prefer = request.headers.prefer;
    const preferred = /odata\.maxpagesize=(\d+)/i.exec(
      typeof prefer === 'string' ? prefer : '',
    )?.[1];
    const size = Math.max(1, Math.min(pageSize, preferred ? Number(preferred) : pageSize));
    const skipToken = parsedUrl.searchParams.get('$skiptoken');
    if (skipToken !== null) {
      const continuation = continuations.get(skipToken);
      if (
        !continuation ||
        JSON.stringify(JSON.parse(continuation.body)) !== JSON.stringify(input)
      ) {
        const error = new CmdletError(
          'System.ArgumentException',
          'The next-page link does not belong to this request.',
        );
        send(response, 400, cmdletErrorBody(error));
        return 400;
      }
      continuations.delete(skipToken);
      page(
        response,
        tenant,
        continuation.body,
        continuation.remaining,
        continuation.warnings,
        size,
      );
      return 200;
    }
    try {
      const result = runCmdlet(catalogue, state, cmdlet, parameters);
      // Message trace has no paging; it is continued by StartingRecipientAddress instead.
      const pageLimit = cmdlet.toLowerCase() === 'get-messagetracev2' ? Infinity : size;
      page(
        response,
        tenant,
        record.body,
        result.objects.map((object) => ({ ...object })),
        result.warnings,
        pageLimit,
      );
      return 200;
    } catch (error) {
      if (error instanceof CmdletError) {
        send(response, 400, cmdletErrorBody(error));
        return 400;
      }
      throw error;
    }
  }

  const server = createServer((request, response) => {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (typeof value === 'string') {
        headers[name] = value;
      }
    }
    const record: RecordedAdminRequest = {
      url: request.url ?? '',
      headers,
      cmdlet: '',
      parameters: {},
      body: '',
      status: 0,
    };
    requests.push(record);
    handle(request, response, record)
      .then((status) => {
        record.status = status;
      })
      .catch(() => {
        record.status = 500;
        send(response, 500, undefined);
      });
  });
  url = await listenOnLoopback(server);
  identity.addResource(url);

  return {
    url,
    state,
    requests,
    enqueueFault: (fault) => {
      faults.push(fault);
    },
    setPageSize: (size) => {
      pageSize = size;
    },
    close: () => closeServer(server),
  };
}
