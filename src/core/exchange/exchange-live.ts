import type { FindingCode } from '../findings/codes';
import type { Finding, FindingFix } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import type {
  ExchangeHostHooks,
  LiveCheckResult,
  LiveSession,
  LiveSystemModule,
  LiveValueMap,
} from '../live/live-system';
import type { MessageId } from '../messages/catalogue';
import { msg } from '../messages/catalogue';
import { isAtOrBelow } from '../net/host-names';
import type { SetupStep, StepId } from '../plan/step';
import type { ExchangeSpec, SpecPath } from '../spec/model';
import { NodeIds } from '../tree/node-ids';
import type { PropertyDifference } from './connector-plan';
import {
  INBOUND_PATH,
  OUTBOUND_PATH,
  desiredInbound,
  desiredOutbound,
  findAcceptedDomain,
  findConnector,
  inboundDifferences,
  outboundDifferences,
  showValue,
} from './connector-plan';
import { createTokenSource } from './create-token-source';
import { ExchangeAdminClient } from './exchange-admin-client';
import type { ExchangeError, ExchangeResult } from './exchange-error';
import { ExchangeAuthError } from './exchange-error';
import { originOf } from './exchange-http';
import { AcceptedDomainStep, inboundConnectorStep, outboundConnectorStep } from './exchange-steps';
import type { ExchangeState } from './exchange-state';
import { readExchangeStateWithRecipients } from './exchange-recipients';
import { normaliseDomain } from './normalise';
import type { TokenSource } from './token-source';
import { exchangeScope } from './token-source';

/** Session memo keys: the steps reuse the client (and so the sign-in) the read built. */
export const EXCHANGE_CLIENT_MEMO = 'exchange.admin-client';

const AUTH_PATH: SpecPath = ['exchange', 'auth'];

/**
 * The key under which a host keeps an interactive sign-in between sessions: a person who signed
 * in by device code once is not asked again at the next check, but a change of tenant, login
 * endpoint or app is a different sign-in.
 */
export function signInKey(exchange: ExchangeSpec): string {
  const login = originOf(exchange.endpoints.login) ?? exchange.endpoints.login;
  return [login, exchange.tenant.toLowerCase(), exchange.auth.method, exchange.auth.clientId ?? '']
    .map((part) => encodeURIComponent(part))
    .join('|');
}

/** The editor's Microsoft account as a token source (method `vscode`). */
function vscodeTokenSource(
  getVscodeToken: NonNullable<ExchangeHostHooks['getVscodeToken']>,
  scope: string,
  tenant: string,
): TokenSource {
  return {
    async getToken(): Promise<string> {
      const token = await getVscodeToken([scope], tenant);
      if (!token) {
        throw new ExchangeAuthError({
          kind: 'auth-failed',
          message: msg('exchange.live.vscodeNoSession', { tenant }),
        });
      }
      return token;
    },
  };
}

function tokenSourceFor(session: LiveSession): TokenSource {
  const { spec, host } = session;
  const { exchange } = spec;
  const hooks = host.exchange ?? {};
  const key = signInKey(exchange);
  const interactive = exchange.auth.method === 'deviceCode';
  const kept = interactive ? hooks.signIns?.get(key) : undefined;
  if (kept) {
    return kept;
  }
  const loginOrigin = originOf(exchange.endpoints.login) ?? exchange.endpoints.login;
  const scope = exchangeScope(exchange.endpoints.admin);
  const onDeviceCode = hooks.onDeviceCode;
  if (interactive && !onDeviceCode) {
    return {
      getToken: () =>
        Promise.reject(
          new ExchangeAuthError({
            kind: 'auth-failed',
            message: msg('exchange.live.deviceCodeNoHost'),
          }),
        ),
    };
  }
  const source = createTokenSource(exchange, {
    logger: host.logger,
    timeoutMs: host.timeoutMs,
    ...(host.proxy?.url ? { proxy: host.proxy.url } : {}),
    // A secret is only ever handed out for the sign-in origin it is sent to.
    resolveSecret: (ref) => host.resolveSecret(ref, loginOrigin),
    onDeviceCode: (prompt) => {
      onDeviceCode?.({
        userCode: prompt.userCode,
        verificationUri: prompt.verificationUri,
        message: prompt.message,
      });
    },
    ...(hooks.getVscodeToken
      ? { vscodeTokenSource: vscodeTokenSource(hooks.getVscodeToken, scope, exchange.tenant) }
      : {}),
  });
  if (interactive) {
    hooks.signIns?.set(key, source);
  }
  return source;
}

/** The admin client of this session, signed in the way `exchange.auth` says. */
export function exchangeClientFor(session: LiveSession): ExchangeAdminClient {
  return session.memo(EXCHANGE_CLIENT_MEMO, () => {
    const { spec, host } = session;
    // Limitation: of the host's proxy settings only the URL reaches the Exchange clients, which
    // take no NO_PROXY list or TLS switch of their own; without a URL, HTTPS_PROXY and NO_PROXY
    // from the environment apply. Passing `noProxy` through ExchangeHttp would lift this.
    return new ExchangeAdminClient({
      adminBaseUrl: spec.exchange.endpoints.admin,
      tenant: spec.exchange.tenant,
      tokenSource: tokenSourceFor(session),
      logger: host.logger,
      timeoutMs: host.timeoutMs,
      ...(host.proxy?.url ? { proxy: host.proxy.url } : {}),
    });
  });
}

/**
 * Signs in the way `exchange.auth` says without reading anything: the editor's sign-in command
 * runs this so a device-code prompt comes when the person asks for it, not in the middle of a
 * check. The sign-in is kept in the host's `signIns` for the checks that follow.
 */
export async function signInToExchange(session: LiveSession): Promise<ExchangeResult<void>> {
  try {
    await tokenSourceFor(session).getToken();
    return { ok: true, value: undefined };
  } catch (error) {
    if (error instanceof ExchangeAuthError) {
      return { ok: false, error: error.error };
    }
    throw error;
  }
}

/** The spec key a failed read is about, so the finding sits where the fix is made. */
function failurePath(exchange: ExchangeSpec, error: ExchangeError): SpecPath {
  switch (error.serverCode) {
    case 'AADSTS7000215':
    case 'AADSTS7000222':
      return [...AUTH_PATH, 'clientSecret'];
    case 'AADSTS700016':
    case 'AADSTS7000218':
    case 'AADSTS65001':
      return [...AUTH_PATH, 'clientId'];
    case 'AADSTS90002':
    case 'AADSTS900023':
      return ['exchange', 'tenant'];
    case 'AADSTS700027':
      return [...AUTH_PATH, 'certificateFile'];
    case 'AADSTS500011':
      return ['exchange', 'endpoints', 'admin'];
    default:
      break;
  }
  if (error.kind === 'forbidden' || error.status === 401) {
    return AUTH_PATH;
  }
  if (error.kind !== 'auth-failed') {
    // The network or the service: the endpoints say where the product went.
    return ['exchange', 'endpoints'];
  }
  const { method, clientId } = exchange.auth;
  if ((method === 'clientSecret' || method === 'certificate') && !clientId) {
    return [...AUTH_PATH, 'clientId'];
  }
  if (method === 'clientSecret') {
    return [...AUTH_PATH, 'clientSecret'];
  }
  if (method === 'certificate') {
    return [...AUTH_PATH, 'certificateFile'];
  }
  return [...AUTH_PATH, 'method'];
}

function stepFix(titleId: MessageId, stepId: StepId, args = {}, domain?: string): FindingFix {
  return {
    kind: 'step',
    title: msg(titleId, args),
    stepId,
    ...(domain !== undefined ? { domain } : {}),
  };
}

const DRIFT_REASONS: Record<string, MessageId> = {
  ConnectorType: 'exchange.drift.ConnectorType',
  RecipientDomains: 'exchange.drift.RecipientDomains',
  SmartHosts: 'exchange.drift.SmartHosts',
  UseMXRecord: 'exchange.drift.UseMXRecord',
  TlsSettings: 'exchange.drift.Tls',
  TlsDomain: 'exchange.drift.Tls',
  IsTransportRuleScoped: 'exchange.drift.IsTransportRuleScoped',
  RouteAllMessagesViaOnPremises: 'exchange.drift.RouteAllMessagesViaOnPremises',
  SenderDomains: 'exchange.drift.SenderDomains',
  TlsSenderCertificateName: 'exchange.drift.Certificate',
  RequireTls: 'exchange.drift.Certificate',
  RestrictDomainsToCertificate: 'exchange.drift.Certificate',
  SenderIPAddresses: 'exchange.drift.SenderIPAddresses',
};

class ExchangeChecker {
  readonly findings: Finding[] = [];
  readonly liveValues: LiveValueMap = new Map();
  readonly settles: NonNullable<LiveCheckResult['settles']> = [];

  constructor(
    private readonly session: LiveSession,
    private readonly state: ExchangeState,
  ) {}

  private get exchange(): ExchangeSpec {
    return this.session.spec.exchange;
  }

  private add(
    code: FindingCode,
    path: SpecPath,
    messageId: MessageId,
    args: Record<string, string>,
    fix?: FindingFix,
  ): void {
    this.findings.push(
      findingAt(this.session.locator, code, path, messageId, args, fix ? { fixes: [fix] } : {}),
    );
  }

  run(): LiveCheckResult {
    this.acceptedDomains();
    this.outbound();
    this.inbound();
    this.certificateName();
    return { findings: this.findings, liveValues: this.liveValues, settles: this.settles };
  }

  private acceptedDomains(): void {
    const seen = new Set<string>();
    for (const domain of this.session.spec.domains) {
      if (seen.has(domain.name)) {
        continue;
      }
      seen.add(domain.name);
      const path = domain.shortForm ? domain.path : [...domain.path, 'name'];
      const live = findAcceptedDomain(this.state.acceptedDomains, domain.name);
      const id = NodeIds.acceptedDomain(domain.name);
      if (!live) {
        this.liveValues.set(id, { value: msg('exchange.live.value.missing'), drift: true });
        // Its step cannot create the domain; run, it fails with what to do instead.
        this.add(
          'accepted-domain-missing',
          path,
          'finding.accepted-domain-missing',
          { domain: domain.name, tenant: this.exchange.tenant },
          stepFix(
            'exchange.fix.acceptedDomainMissing',
            'accepted-domain',
            { domain: domain.name },
            domain.name,
          ),
        );
        continue;
      }
      const internalRelay = live.DomainType === 'InternalRelay';
      this.liveValues.set(id, {
        value: internalRelay ? msg('tree.value.internalRelay') : live.DomainType,
        drift: !internalRelay,
      });
      if (!internalRelay) {
        this.add(
          'accepted-domain-authoritative',
          path,
          'finding.accepted-domain-authoritative',
          { domain: domain.name, type: live.DomainType },
          stepFix(
            'exchange.fix.acceptedDomain',
            'accepted-domain',
            { domain: domain.name },
            domain.name,
          ),
        );
      }
    }
  }

  private outbound(): void {
    const desired = desiredOutbound(this.exchange);
    const live = findConnector(this.state.outboundConnectors, desired.Name);
    const args = { name: desired.Name };
    const fix = stepFix('exchange.fix.outbound', 'outbound-connector', args);
    if (!live) {
      this.liveValues.set(NodeIds.outbound, {
        value: msg('exchange.live.value.missing'),
        drift: true,
      });
      this.add(
        'outbound-connector-missing',
        OUTBOUND_PATH,
        'finding.outbound-connector-missing',
        args,
        fix,
      );
      return;
    }
    this.connectorState(NodeIds.outbound, live.Enabled);
    const differences = outboundDifferences(desired, live);
    const differs = (parameter: string): boolean =>
      differences.some((entry) => entry.parameter === parameter);
    this.liveValues.set(NodeIds.outboundSetting('name'), { value: live.Name, drift: false });
    this.liveValues.set(NodeIds.outboundSetting('recipient-domains'), {
      value: showValue(live.RecipientDomains),
      drift: differs('RecipientDomains'),
    });
    this.liveValues.set(NodeIds.outboundSetting('smart-hosts'), {
      value: showValue(live.SmartHosts),
      drift: differs('SmartHosts') || differs('UseMXRecord'),
    });
    this.liveValues.set(NodeIds.outboundSetting('tls-settings'), {
      value: showValue(live.TlsSettings),
      drift: differs('TlsSettings'),
    });
    if (desired.TlsDomain !== undefined) {
      this.liveValues.set(NodeIds.outboundSetting('tls-domain'), {
        value: showValue(live.TlsDomain),
        drift: differs('TlsDomain'),
      });
    }
    this.drift(
      'outbound-connector-drift',
      'finding.outbound-connector-drift',
      live.Name,
      differences,
      fix,
    );
    if (!live.Enabled) {
      this.add(
        'outbound-connector-disabled',
        OUTBOUND_PATH,
        'finding.outbound-connector-disabled',
        args,
        fix,
      );
    }
  }

  private inbound(): void {
    const desired = desiredInbound(this.exchange);
    const live = findConnector(this.state.inboundConnectors, desired.Name);
    const args = { name: desired.Name };
    const fix = stepFix('exchange.fix.inbound', 'inbound-connector', args);
    if (!live) {
      this.liveValues.set(NodeIds.inbound, {
        value: msg('exchange.live.value.missing'),
        drift: true,
      });
      this.add(
        'inbound-connector-missing',
        INBOUND_PATH,
        'finding.inbound-connector-missing',
        args,
        fix,
      );
      return;
    }
    this.connectorState(NodeIds.inbound, live.Enabled);
    const differences = inboundDifferences(desired, live);
    const differs = (...parameters: string[]): boolean =>
      differences.some((entry) => parameters.includes(entry.parameter));
    const byCertificate = live.TlsSenderCertificateName !== undefined && live.RequireTls;
    this.liveValues.set(NodeIds.inboundSetting('name'), { value: live.Name, drift: false });
    this.liveValues.set(NodeIds.inboundSetting('auth'), {
      value: msg(byCertificate ? 'tree.value.auth.certificate' : 'tree.value.auth.ip'),
      drift: byCertificate !== (desired.auth === 'certificate'),
    });
    if (desired.auth === 'certificate') {
      this.liveValues.set(NodeIds.inboundSetting('certificate-name'), {
        value: showValue(live.TlsSenderCertificateName),
        drift: differs('TlsSenderCertificateName', 'RequireTls', 'RestrictDomainsToCertificate'),
      });
    } else {
      this.liveValues.set(NodeIds.inboundSetting('sender-ips'), {
        value: showValue(live.SenderIPAddresses),
        drift: differs('SenderIPAddresses'),
      });
    }
    this.drift(
      'inbound-connector-drift',
      'finding.inbound-connector-drift',
      live.Name,
      differences,
      fix,
    );
    if (!live.Enabled) {
      this.add(
        'inbound-connector-disabled',
        INBOUND_PATH,
        'finding.inbound-connector-disabled',
        args,
        fix,
      );
    }
  }

  private connectorState(id: string, enabled: boolean): void {
    this.liveValues.set(id, {
      value: msg(enabled ? 'tree.value.enabled' : 'exchange.live.value.disabled'),
      drift: !enabled,
    });
  }

  /** One finding per differing parameter, on the spec key the parameter comes from. */
  private drift(
    code: 'outbound-connector-drift' | 'inbound-connector-drift',
    messageId: MessageId,
    name: string,
    differences: readonly PropertyDifference[],
    fix: FindingFix,
  ): void {
    for (const difference of differences) {
      const reason =
        difference.parameter === 'RestrictDomainsToCertificate' && difference.desired === '$false'
          ? 'exchange.drift.RestrictOff'
          : DRIFT_REASONS[difference.parameter];
      this.add(
        code,
        difference.path,
        messageId,
        {
          name,
          parameter: difference.parameter,
          actual: difference.actual,
          desired: difference.desired,
          why: reason ? msg(reason) : '',
        },
        fix,
      );
    }
  }

  /**
   * Settles the offline `inbound-cert-not-accepted-domain`: the file alone could only compare the
   * certificate name with the shared domains; the tenant's accepted domains decide it.
   */
  private certificateName(): void {
    const { inboundConnector } = this.exchange;
    if (inboundConnector.auth !== 'certificate' || !inboundConnector.certificateName) {
      return;
    }
    const { locator } = this.session;
    const namePath = [...INBOUND_PATH, 'certificateName'];
    // The same place the offline rule chose, so the host can match the two.
    const path = locator.has(namePath)
      ? namePath
      : locator.has(INBOUND_PATH)
        ? INBOUND_PATH
        : ['mailcow', 'hostname'];
    this.settles.push({ code: 'inbound-cert-not-accepted-domain', path });
    const name = normaliseDomain(inboundConnector.certificateName).replace(/^\*\./, '');
    const accepted = this.state.acceptedDomains.map((domain) =>
      domain.DomainName.replace(/^\*\./, ''),
    );
    if (accepted.some((domain) => isAtOrBelow(name, domain))) {
      return;
    }
    const finding = findingAt(
      locator,
      'inbound-cert-not-accepted-domain',
      path,
      'finding.inbound-cert-not-accepted-domain.live',
      {
        name: inboundConnector.certificateName,
        tenant: this.exchange.tenant,
        domains: accepted.length > 0 ? accepted.join(', ') : msg('tree.value.none'),
      },
      { severity: 'error', onKey: path === INBOUND_PATH },
    );
    this.findings.push({ ...finding, source: 'exchange' });
  }
}

/**
 * Exchange Online as a live system: signs in the way `exchange.auth` says, reads accepted
 * domains and both connectors, compares them with the spec, and offers the three Exchange steps.
 */
export const exchangeLiveModule: LiveSystemModule<ExchangeState> = {
  system: 'exchange',
  applies: (session) => session.spec.exchange.tenant.trim() !== '',
  async read(session) {
    const result = await readExchangeStateWithRecipients(exchangeClientFor(session));
    if (result.ok) {
      return { ok: true, state: result.value };
    }
    const { error } = result;
    const forbidden = error.kind === 'forbidden';
    const path = failurePath(session.spec.exchange, error);
    const finding = findingAt(
      session.locator,
      forbidden ? 'exchange-forbidden' : 'exchange-auth-failed',
      path,
      forbidden ? 'finding.exchange-forbidden' : 'finding.exchange-auth-failed',
      { detail: error.message },
    );
    return { ok: false, findings: [finding], reason: error.message };
  },
  check: (session, state) => new ExchangeChecker(session, state).run(),
  steps(session, state): SetupStep[] {
    const client = exchangeClientFor(session);
    const { exchange } = session.spec;
    const domains = [...new Set(session.spec.domains.map((domain) => domain.name))];
    return [
      ...domains.map(
        (domain) =>
          new AcceptedDomainStep(client, domain, findAcceptedDomain(state.acceptedDomains, domain)),
      ),
      outboundConnectorStep(
        client,
        exchange,
        findConnector(state.outboundConnectors, exchange.outboundConnector.name),
      ),
      inboundConnectorStep(
        client,
        exchange,
        findConnector(state.inboundConnectors, exchange.inboundConnector.name),
      ),
    ];
  },
};
