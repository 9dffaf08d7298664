import type { Logger } from '../log';
import { msg } from '../messages/catalogue';
import type { PlannedRequest, SetupStep, StepOutcome, StepPreview } from '../plan/step';
import type { ExchangeSpec } from '../spec/model';
import { isSmtpDomain } from './cmdlet-values';
import type {
  CmdletParameters,
  DesiredInbound,
  DesiredOutbound,
  PropertyDifference,
} from './connector-plan';
import {
  desiredInbound,
  desiredOutbound,
  inboundDifferences,
  inboundNewParameters,
  inboundSetParameters,
  inboundValueProblems,
  outboundDifferences,
  outboundNewParameters,
  outboundSetParameters,
  outboundValueProblems,
} from './connector-plan';
import type { ExchangeAdminClient } from './exchange-admin-client';
import type { AcceptedDomain, InboundConnector, OutboundConnector } from './normalise';
import {
  normaliseAcceptedDomain,
  normaliseDomain,
  normaliseInboundConnector,
  normaliseOutboundConnector,
} from './normalise';

/*
 * The three Exchange steps of the recipe. Each is decided from the state the live check read;
 * `apply` sends only what differs, then reads the object back and reports `done` only when the
 * read-back matches the spec. A step that is not needed sends nothing. After a successful apply
 * the step counts as not needed, so applying the same step twice sends nothing the second time.
 */

function failed(message: string): StepOutcome {
  return { status: 'failed', message };
}

function describeDifferences(differences: readonly PropertyDifference[]): string {
  return differences
    .map((entry) =>
      msg('exchange.step.difference', {
        parameter: entry.parameter,
        actual: entry.actual,
        desired: entry.desired,
      }),
    )
    .join('; ');
}

/** `Set-AcceptedDomain -DomainType InternalRelay` for one shared domain. */
export class AcceptedDomainStep implements SetupStep {
  readonly id = 'accepted-domain' as const;
  readonly system = 'exchange' as const;
  readonly domain: string;
  readonly title: string;
  needed: boolean;

  constructor(
    private readonly client: ExchangeAdminClient,
    domain: string,
    private live: AcceptedDomain | undefined,
  ) {
    this.domain = normaliseDomain(domain);
    this.title = msg('exchange.step.acceptedDomain.title', { domain: this.domain });
    this.needed = live === undefined || live.DomainType !== 'InternalRelay';
  }

  private get request(): PlannedRequest | undefined {
    return this.live && this.needed
      ? {
          action: 'Set-AcceptedDomain',
          body: { Identity: this.live.Identity, DomainType: 'InternalRelay' },
        }
      : undefined;
  }

  preview(): StepPreview {
    if (!this.needed) {
      return {
        summary: msg('exchange.step.acceptedDomain.notNeeded', { domain: this.domain }),
        requests: [],
      };
    }
    if (!this.live) {
      return {
        summary: msg('exchange.step.acceptedDomain.missing', { domain: this.domain }),
        requests: [],
      };
    }
    return {
      summary: msg('exchange.step.acceptedDomain.summary', {
        domain: this.domain,
        type: this.live.DomainType,
      }),
      requests: this.request ? [this.request] : [],
    };
  }

  async apply(logger: Logger): Promise<StepOutcome> {
    if (!this.needed) {
      return {
        status: 'unchanged',
        message: msg('exchange.step.acceptedDomain.notNeeded', { domain: this.domain }),
      };
    }
    if (!this.live) {
      // Exchange Online has no New-AcceptedDomain; domains are added where they are verified.
      return failed(msg('exchange.step.acceptedDomain.missing', { domain: this.domain }));
    }
    if (!isSmtpDomain(this.domain, { wildcard: false })) {
      return failed(msg('exchange.value.invalid', { parameter: 'Identity', value: this.domain }));
    }
    const identity = this.live.Identity;
    logger.info(`Exchange: switching accepted domain ${this.domain} to InternalRelay`);
    const set = await this.client.invoke('Set-AcceptedDomain', {
      Identity: identity,
      DomainType: 'InternalRelay',
    });
    if (!set.ok) {
      return failed(set.error.message);
    }
    const read = await this.client.invoke('Get-AcceptedDomain', { Identity: identity });
    if (!read.ok) {
      return failed(read.error.message);
    }
    const [raw] = read.value.objects;
    const after = raw ? normaliseAcceptedDomain(raw) : undefined;
    if (after?.DomainType !== 'InternalRelay') {
      return failed(
        msg('exchange.step.readBackDiffers', {
          cmdlet: 'Set-AcceptedDomain',
          details: msg('exchange.step.difference', {
            parameter: 'DomainType',
            actual: after?.DomainType ?? '$null',
            desired: 'InternalRelay',
          }),
        }),
      );
    }
    this.live = after;
    this.needed = false;
    return {
      status: 'done',
      message: msg('exchange.step.acceptedDomain.done', { domain: this.domain }),
    };
  }
}

interface ConnectorKind<Desired, Live> {
  noun: 'Outbound' | 'Inbound';
  titleId: 'exchange.step.outbound.title' | 'exchange.step.inbound.title';
  createId: 'exchange.step.outbound.create' | 'exchange.step.inbound.create';
  changeId: 'exchange.step.outbound.change' | 'exchange.step.inbound.change';
  desired(exchange: ExchangeSpec): Desired & { Name: string };
  problems(desired: Desired): string[];
  differences(desired: Desired, live: Live): PropertyDifference[];
  newParameters(desired: Desired): CmdletParameters;
  setParameters(desired: Desired, live: Live): CmdletParameters | undefined;
  normalise(raw: Record<string, unknown>): Live;
}

const OUTBOUND: ConnectorKind<DesiredOutbound, OutboundConnector> = {
  noun: 'Outbound',
  titleId: 'exchange.step.outbound.title',
  createId: 'exchange.step.outbound.create',
  changeId: 'exchange.step.outbound.change',
  desired: desiredOutbound,
  problems: outboundValueProblems,
  differences: outboundDifferences,
  newParameters: outboundNewParameters,
  setParameters: outboundSetParameters,
  normalise: normaliseOutboundConnector,
};

const INBOUND: ConnectorKind<DesiredInbound, InboundConnector> = {
  noun: 'Inbound',
  titleId: 'exchange.step.inbound.title',
  createId: 'exchange.step.inbound.create',
  changeId: 'exchange.step.inbound.change',
  desired: desiredInbound,
  problems: inboundValueProblems,
  differences: inboundDifferences,
  newParameters: inboundNewParameters,
  setParameters: inboundSetParameters,
  normalise: normaliseInboundConnector,
};

/** New- or Set-<kind>Connector with only the parameters that differ, then a read-back. */
class ConnectorStep<
  Desired,
  Live extends OutboundConnector | InboundConnector,
> implements SetupStep {
  readonly system = 'exchange' as const;
  readonly title: string;
  needed: boolean;
  private readonly desired: Desired & { Name: string };
  private readonly problems: string[];

  constructor(
    readonly id: 'outbound-connector' | 'inbound-connector',
    private readonly kind: ConnectorKind<Desired, Live>,
    private readonly client: ExchangeAdminClient,
    exchange: ExchangeSpec,
    private live: Live | undefined,
  ) {
    this.desired = kind.desired(exchange);
    this.problems = kind.problems(this.desired);
    this.title = msg(kind.titleId, { name: this.desired.Name });
    this.needed = this.request() !== undefined;
  }

  private request(): PlannedRequest | undefined {
    if (!this.live) {
      return {
        action: `New-${this.kind.noun}Connector`,
        body: this.kind.newParameters(this.desired),
      };
    }
    const parameters = this.kind.setParameters(this.desired, this.live);
    return parameters ? { action: `Set-${this.kind.noun}Connector`, body: parameters } : undefined;
  }

  preview(): StepPreview {
    const request = this.needed ? this.request() : undefined;
    if (!request) {
      return {
        summary: msg('exchange.step.connector.notNeeded', { name: this.desired.Name }),
        requests: [],
      };
    }
    const summary = this.live
      ? msg(this.kind.changeId, {
          name: this.desired.Name,
          parameters: Object.keys(request.body as CmdletParameters)
            .filter((name) => name !== 'Identity')
            .join(', '),
        })
      : msg(this.kind.createId, { name: this.desired.Name });
    return {
      summary:
        this.problems.length > 0
          ? `${summary} ${msg('exchange.step.invalidValues', { problems: this.problems.join(' ') })}`
          : summary,
      requests: [request],
    };
  }

  async apply(logger: Logger): Promise<StepOutcome> {
    const request = this.needed ? this.request() : undefined;
    if (!request) {
      return {
        status: 'unchanged',
        message: msg('exchange.step.connector.notNeeded', { name: this.desired.Name }),
      };
    }
    if (this.problems.length > 0) {
      return failed(msg('exchange.step.invalidValues', { problems: this.problems.join(' ') }));
    }
    logger.info(`Exchange: ${request.action} "${this.desired.Name}"`);
    const sent = await this.client.invoke(request.action, request.body as CmdletParameters);
    if (!sent.ok) {
      return failed(sent.error.message);
    }
    const identity = this.live?.Identity ?? this.desired.Name;
    const read = await this.client.invoke(`Get-${this.kind.noun}Connector`, {
      Identity: identity,
    });
    if (!read.ok) {
      return failed(read.error.message);
    }
    const [raw] = read.value.objects;
    if (!raw) {
      return failed(
        msg('exchange.step.readBackMissing', { cmdlet: request.action, name: this.desired.Name }),
      );
    }
    const after = this.kind.normalise(raw);
    const remaining = this.kind.differences(this.desired, after);
    if (!after.Enabled) {
      remaining.push({ parameter: 'Enabled', desired: '$true', actual: '$false', path: [] });
    }
    if (remaining.length > 0) {
      return failed(
        msg('exchange.step.readBackDiffers', {
          cmdlet: request.action,
          details: describeDifferences(remaining),
        }),
      );
    }
    this.live = after;
    this.needed = false;
    return {
      status: 'done',
      message: msg('exchange.step.connector.done', { name: this.desired.Name }),
    };
  }
}

export function outboundConnectorStep(
  client: ExchangeAdminClient,
  exchange: ExchangeSpec,
  live: OutboundConnector | undefined,
): SetupStep {
  return new ConnectorStep('outbound-connector', OUTBOUND, client, exchange, live);
}

export function inboundConnectorStep(
  client: ExchangeAdminClient,
  exchange: ExchangeSpec,
  live: InboundConnector | undefined,
): SetupStep {
  return new ConnectorStep('inbound-connector', INBOUND, client, exchange, live);
}
