import { Document } from 'yaml';
import type { DnsLookup } from '../core/dns/resolver';
import type { ExchangeAdminClient } from '../core/exchange/exchange-admin-client';
import { readExchangeState } from '../core/exchange/exchange-state';
import type { Logger } from '../core/log';
import type { MailcowClient } from '../core/mailcow/mailcow-client';
import { readMailcowState } from '../core/mailcow/mailcow-state';
import { msg } from '../core/messages/catalogue';
import type { HybridSpec } from '../core/spec/model';
import { probeSmtp } from '../core/tls/smtp-probe';
import type { ScenarioDnsName } from './scenario';

/*
 * A snapshot turns the live systems into a scenario, so a user can attach their setup to a bug
 * report and anyone can replay it in the sandbox. Secrets never enter it: the mailcow key and
 * the Exchange app are not read at all, relayhost passwords are blanked, and the header says
 * what was left out.
 */

export interface SnapshotSources {
  /** Undefined when mailcow cannot be asked (no key); the section is then left out. */
  mailcow?: MailcowClient;
  exchange?: ExchangeAdminClient;
  dns: DnsLookup;
  logger: Logger;
}

export interface Snapshot {
  /** The scenario as YAML text, with a header comment. */
  text: string;
  /** The scenario as data. */
  data: Record<string, unknown>;
  /** What could not be read, one sentence each. */
  problems: string[];
  /** What was removed, for the header and for the person who asked. */
  removed: string[];
}

const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;

function withoutUndefined(value: object): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, inner]) => inner !== undefined));
}

function spfTargets(records: string[]): string[] {
  const targets: string[] = [];
  for (const record of records) {
    if (!/^v=spf1(\s|$)/i.test(record)) {
      continue;
    }
    for (const match of record.matchAll(/(?:^|\s)[+?~-]?(?:include:|redirect=)(\S+)/gi)) {
      const target = match[1]?.toLowerCase();
      // Macros expand per message; they name no fixed host to record.
      if (target && !target.includes('%')) {
        targets.push(target);
      }
    }
  }
  return targets;
}

async function readDns(spec: HybridSpec, dns: DnsLookup): Promise<Record<string, ScenarioDnsName>> {
  const zone: Record<string, ScenarioDnsName> = {};
  const entry = (name: string): ScenarioDnsName => (zone[name] ??= {});
  const addresses = async (name: string): Promise<void> => {
    const [a, aaaa] = await Promise.all([dns.a(name), dns.aaaa(name)]);
    if (a.outcome === 'records') {
      entry(name).A = a.records;
    }
    if (aaaa.outcome === 'records') {
      entry(name).AAAA = aaaa.records;
    }
  };
  const txt = async (name: string): Promise<string[]> => {
    const result = await dns.txt(name);
    if (result.outcome !== 'records') {
      return [];
    }
    entry(name).TXT = result.records;
    return result.records;
  };
  const seen = new Set<string>();
  const hosts = new Set<string>([spec.exchange.gateway, spec.mailcow.hostname]);
  const spfNames = new Set<string>(spec.mailcow.forwardingHosts);
  for (const domain of spec.domains) {
    if (seen.has(domain.name)) {
      continue;
    }
    seen.add(domain.name);
    const mx = await dns.mx(domain.name);
    if (mx.outcome === 'records') {
      entry(domain.name).MX = mx.records.map((record) => ({
        exchange: record.exchange,
        priority: record.priority,
      }));
      for (const record of mx.records) {
        if (record.exchange !== '') {
          hosts.add(record.exchange);
        }
      }
    }
    for (const target of spfTargets(await txt(domain.name))) {
      spfNames.add(target);
    }
  }
  // One level of includes and the forwarding hosts' own SPF: what the checks and mailcow's
  // forwarding-host resolution read.
  for (const name of spfNames) {
    if (!zone[name]?.TXT) {
      const records = await txt(name);
      if (records.length === 0) {
        await addresses(name);
      }
    }
  }
  for (const host of hosts) {
    await addresses(host);
  }
  return zone;
}

/**
 * Reads mailcow (domains, relayhosts, forwarding hosts, mailboxes), Exchange (accepted domains,
 * connectors), the DNS records of the shared domains and the hosts they name, and mailcow's
 * SMTP certificate, and writes them as a scenario for `specRef`.
 */
export async function takeSnapshot(
  spec: HybridSpec,
  specRef: string,
  sources: SnapshotSources,
  now: Date = new Date(),
): Promise<Snapshot> {
  const problems: string[] = [];
  const removed = [
    'the mailcow API keys (mailcow.apiKeys)',
    'the Exchange app registrations and their secrets or certificates (exchange.apps)',
  ];
  const data: Record<string, unknown> = {
    scenario: 1,
    description: `Snapshot of ${specRef} taken ${now.toISOString().slice(0, 10)}`,
    spec: specRef,
  };

  const mailcow: Record<string, unknown> = { hostname: spec.mailcow.hostname };
  if (sources.mailcow) {
    const state = await readMailcowState(sources.mailcow);
    if (state.ok) {
      const { domains, relayhosts, fwdhosts, mailboxes } = state.value;
      mailcow.domains = domains.map((domain) => ({
        domain_name: domain.name,
        description: domain.description,
        active: domain.active ? 1 : 0,
        backupmx: domain.relay.domain ? 1 : 0,
        relay_all_recipients: domain.relay.allRecipients ? 1 : 0,
        relay_unknown_only: domain.relay.unknownOnly ? 1 : 0,
        relayhost: String(domain.relayhostId),
        gal: domain.gal ? 1 : 0,
        max_num_aliases_for_domain: domain.maxAliases,
        max_num_mboxes_for_domain: domain.maxMailboxes,
        def_quota_for_mbox: domain.quota.mailboxDefaultBytes,
        max_quota_for_mbox: domain.quota.mailboxMaxBytes,
        max_quota_for_domain: domain.quota.domainBytes,
        tags: domain.tags,
      }));
      if (relayhosts.some((relayhost) => relayhost.hasPassword)) {
        removed.push('relayhost passwords (mailcow.relayhosts[].password is empty here)');
      }
      mailcow.relayhosts = relayhosts.map((relayhost) => ({
        id: relayhost.id,
        hostname: relayhost.hostname,
        username: relayhost.username,
        password: '',
        active: relayhost.active ? 1 : 0,
      }));
      mailcow.fwdhosts = fwdhosts.map((host) => ({
        host: host.host,
        source: host.source,
        keep_spam: host.keepSpam ? 'yes' : 'no',
      }));
      mailcow.mailboxes = mailboxes.map((mailbox) => ({
        username: mailbox.username,
        domain: mailbox.domain,
        active: mailbox.active ? 1 : 0,
        name: mailbox.name,
      }));
    } else {
      problems.push(
        msg('sandbox.snapshot.failed', { system: 'mailcow', reason: state.error.message }),
      );
    }
  }
  data.mailcow = mailcow;

  if (sources.exchange) {
    const state = await readExchangeState(sources.exchange);
    const tenant = spec.exchange.tenant;
    if (state.ok) {
      const initial = state.value.acceptedDomains.find(
        (domain) =>
          domain.DomainName.endsWith('.onmicrosoft.com') &&
          !domain.DomainName.endsWith('.mail.onmicrosoft.com'),
      );
      data.exchange = {
        // Limitation: the tenant's GUID is not among what readExchangeState returns; a spec that
        // names the tenant by domain gets a placeholder GUID, which the sandbox accepts as well.
        tenantId: GUID.test(tenant) ? tenant : '00000000-0000-0000-0000-000000000000',
        initialDomain: GUID.test(tenant)
          ? (initial?.DomainName ?? 'sandbox.onmicrosoft.com')
          : tenant,
        acceptedDomains: state.value.acceptedDomains.map(withoutUndefined),
        outboundConnectors: state.value.outboundConnectors.map(withoutUndefined),
        inboundConnectors: state.value.inboundConnectors.map(withoutUndefined),
      };
    } else {
      problems.push(
        msg('sandbox.snapshot.failed', { system: 'Exchange Online', reason: state.error.message }),
      );
    }
  }

  data.dns = await readDns(spec, sources.dns);

  const probe = await probeSmtp({
    host: spec.mailcow.hostname,
    port: spec.checks.smtpPort,
    dns: sources.dns,
    timeoutMs: 10_000,
    logger: sources.logger,
    ...(spec.mailcow.caFile ? { caFile: spec.mailcow.caFile } : {}),
  });
  if (probe.outcome === 'tls') {
    const leaf = probe.tls.certificate;
    const issuer = probe.tls.issuerTrusted
      ? 'trusted'
      : probe.tls.trustProblem === 'self-signed' || leaf.selfIssued
        ? 'self-signed'
        : 'untrusted';
    const names =
      leaf.dnsNames.length > 0 ? leaf.dnsNames : leaf.commonName ? [leaf.commonName] : [];
    data.smtp = {
      starttls: true,
      certificate: { names, notAfter: leaf.notAfter.slice(0, 10), issuer },
    };
  } else if (probe.outcome === 'no-starttls') {
    data.smtp = { starttls: false };
  } else {
    problems.push(msg('sandbox.snapshot.failed', { system: 'SMTP', reason: probe.outcome }));
  }

  const document = new Document(data);
  document.commentBefore = [
    ` ${msg('sandbox.snapshot.removed', { items: removed.join('; ') })}`,
    ' Postfix log entries and message traces are not taken: they hold personal data.',
  ].join('\n');
  const text = document.toString({ lineWidth: 0 });
  return { text, data, problems, removed };
}
