import { msg } from '../messages/catalogue';
import type { Cloud, HybridSpec } from '../spec/model';
import { ValueProblems, isSmtpDomain, isTenant } from './cmdlet-values';
import type { CmdletParameters } from './connector-plan';
import {
  desiredInbound,
  desiredOutbound,
  inboundFullSetParameters,
  inboundNewParameters,
  inboundValueProblems,
  outboundFullSetParameters,
  outboundNewParameters,
  outboundValueProblems,
} from './connector-plan';

/*
 * The Exchange steps as an Exchange Online PowerShell script, for admins who prefer to run
 * changes themselves or whose tenant does not let an app in. The script does what the steps do:
 * accepted domains to Internal relay, then each connector created when missing and set to the
 * spec otherwise.
 *
 * Every value is validated first and then written as a single-quoted string, the only PowerShell
 * literal in which nothing is expanded; a value that fails validation stops the export, so no
 * spec, however hostile, can smuggle a command into the script.
 */

export type PowerShellExport = { ok: true; script: string } | { ok: false; problems: string[] };

/** PowerShell reads these four as single quotes too; doubling one makes it a literal. */
const SINGLE_QUOTES = /['\u2018\u2019\u201a\u201b]/g;
const LINE_BREAKS = /[\r\n\u0085\u2028\u2029]/;

/**
 * A PowerShell single-quoted string holding exactly `value`. Line breaks are refused rather than
 * escaped: they are never part of a valid parameter value, and a comment beside the value would
 * end at them.
 */
export function powerShellString(value: string): string {
  if (LINE_BREAKS.test(value)) {
    throw new Error('A value with a line break cannot be written into the script.');
  }
  return `'${value.replace(SINGLE_QUOTES, (quote) => quote + quote)}'`;
}

function powerShellValue(value: string | boolean | readonly string[]): string {
  if (typeof value === 'boolean') {
    return value ? '$true' : '$false';
  }
  if (typeof value === 'string') {
    return powerShellString(value);
  }
  return `@(${value.map(powerShellString).join(', ')})`;
}

function commandLine(cmdlet: string, parameters: CmdletParameters): string {
  const parts = Object.entries(parameters).map(
    ([name, value]) => `-${name} ${powerShellValue(value)}`,
  );
  return [cmdlet, ...parts].join(' ');
}

/** A comment line; its text comes from the catalogue with validated values only. */
function comment(text: string): string {
  return `# ${text.replace(/[\r\n]+/g, ' ')}`;
}

const ENVIRONMENTS: Record<Cloud, string | undefined> = {
  global: undefined,
  'usgov-gcchigh': 'O365USGovGCCHigh',
  'usgov-dod': 'O365USGovDoD',
  china: 'O365China',
};

function connectLine(spec: HybridSpec): string {
  const { exchange } = spec;
  const parts = [
    'Connect-ExchangeOnline',
    `-DelegatedOrganization ${powerShellString(exchange.tenant)}`,
  ];
  const environment = ENVIRONMENTS[exchange.cloud];
  if (environment) {
    parts.push(`-ExchangeEnvironmentName ${powerShellString(environment)}`);
  }
  if (exchange.auth.method === 'deviceCode') {
    parts.push('-Device');
  }
  parts.push('-ShowBanner:$false');
  return parts.join(' ');
}

/** The lines that create a connector when it is missing and set every spec value otherwise. */
function connectorBlock(
  noun: 'Outbound' | 'Inbound',
  parameters: CmdletParameters,
  setParameters: CmdletParameters,
  heading: string,
): string[] {
  const identity = powerShellString(String(parameters.Name));
  return [
    comment(heading),
    `$connector = Get-${noun}Connector -Identity ${identity} -ErrorAction SilentlyContinue`,
    'if (-not $connector) {',
    `    ${commandLine(`New-${noun}Connector`, parameters)}`,
    '} else {',
    `    ${commandLine(`Set-${noun}Connector`, setParameters)}`,
    '}',
    '',
  ];
}

/**
 * The Exchange Online PowerShell script for the spec, or the problems that keep one from being
 * written (each value that a cmdlet would refuse, or that could change the script's meaning).
 */
export function buildPowerShellScript(spec: HybridSpec): PowerShellExport {
  const { exchange } = spec;
  const domains = [...new Set(spec.domains.map((domain) => domain.name))];
  const outbound = desiredOutbound(exchange);
  const inbound = desiredInbound(exchange);
  const values = new ValueProblems();
  values.domains('Identity', domains, { wildcard: false });
  const problems = [
    ...(isTenant(exchange.tenant)
      ? []
      : [msg('exchange.value.tenant', { value: exchange.tenant.slice(0, 80) })]),
    ...values.problems,
    ...outboundValueProblems(outbound),
    ...inboundValueProblems(inbound),
  ];
  if (problems.length > 0) {
    return { ok: false, problems };
  }

  const lines = [
    comment(msg('exchange.ps.header', { domains: domains.join(', ') })),
    comment(msg('exchange.ps.generated')),
    comment(msg('exchange.ps.needs')),
    '#Requires -Modules ExchangeOnlineManagement',
    "$ErrorActionPreference = 'Stop'",
    '',
    comment(msg('exchange.ps.connect', { tenant: exchange.tenant })),
    connectLine(spec),
    '',
  ];
  for (const domain of domains) {
    if (!isSmtpDomain(domain, { wildcard: false })) {
      continue;
    }
    const identity = powerShellString(domain);
    lines.push(
      comment(msg('exchange.ps.acceptedDomain', { domain })),
      `$domain = Get-AcceptedDomain -Identity ${identity} -ErrorAction SilentlyContinue`,
      'if (-not $domain) {',
      `    Write-Warning ${powerShellString(msg('exchange.ps.acceptedDomainMissing', { domain }))}`,
      "} elseif ($domain.DomainType -ne 'InternalRelay') {",
      `    Set-AcceptedDomain -Identity ${identity} -DomainType 'InternalRelay'`,
      '}',
      '',
    );
  }
  lines.push(
    ...connectorBlock(
      'Outbound',
      outboundNewParameters(outbound),
      outboundFullSetParameters(outbound),
      msg('exchange.ps.outbound', { name: outbound.Name }),
    ),
    ...connectorBlock(
      'Inbound',
      inboundNewParameters(inbound),
      inboundFullSetParameters(inbound),
      msg('exchange.ps.inbound', { name: inbound.Name }),
    ),
  );
  return { ok: true, script: `${lines.join('\n').trimEnd()}\n` };
}
