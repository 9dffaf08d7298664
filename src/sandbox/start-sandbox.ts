import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from '../core/log';
import { silentLogger } from '../core/log';
import { msg } from '../core/messages/catalogue';
import { isIpAddress } from '../core/net/host-names';
import { isLoopbackHost } from '../core/net/proxy';
import type { HybridSpec } from '../core/spec/model';
import { parseSpec } from '../core/spec/parse-spec';
import type { RedirectEdit, RedirectedSpec } from './redirect-spec';
import { RedirectError, redirectSpec } from './redirect-spec';
import type { Scenario, ScenarioApp, ScenarioDnsName, ScenarioExchange } from './scenario';
import { ScenarioError } from './scenario';
// Limitation: the emulators live with the tests and are bundled into the product from there.
// They are the same servers the unit tests hold to the reference behaviour of mailcow and
// Exchange Online, so the sandbox cannot drift from what the tests prove; moving them to
// src/sandbox/emulators would lift this once they no longer change with every client.
import type { TestCa } from '../../test/emulators/certs/test-certificates';
import { createTestCa, issueCertificate } from '../../test/emulators/certs/test-certificates';
import type { DnsEmulator } from '../../test/emulators/dns/dns-emulator';
import { startDnsEmulator } from '../../test/emulators/dns/dns-emulator';
import type { ExchangeEmulators } from '../../test/emulators/exchange/start-exchange-emulators';
import { startExchangeEmulators } from '../../test/emulators/exchange/start-exchange-emulators';
import type { MailcowEmulator } from '../../test/emulators/mailcow/mailcow-emulator';
import { startMailcowEmulator } from '../../test/emulators/mailcow/mailcow-emulator';
import type { SmtpEmulator } from '../../test/emulators/smtp/smtp-emulator';
import { startScenarioSmtp } from '../../test/emulators/smtp/smtp-emulator';

/** Names of the environment variables that carry the sandbox credentials. */
export const SANDBOX_ENV = {
  mailcowKey: 'MAIL_HYBRID_SANDBOX_MAILCOW_KEY',
  exchangeSecret: 'MAIL_HYBRID_SANDBOX_EXCHANGE_SECRET',
} as const;

/** The name the written spec gets when no other is asked for; `*.hybrid.yaml` is a spec. */
export const SANDBOX_SPEC_NAME = 'sandbox.hybrid.yaml';

export interface SandboxOptions {
  /** Where to write the redirected spec; default: `sandbox.hybrid.yaml` next to the spec. */
  writeSpecTo?: string;
  logger?: Logger;
}

export interface SandboxAddresses {
  /** `mailcow.url` of the written spec (HTTPS, signed by the sandbox CA). */
  mailcow: string;
  /** `exchange.endpoints.login`. */
  login: string;
  /** `exchange.endpoints.admin`. */
  admin: string;
  /** `checks.dnsServers` entry, `127.0.0.1:<port>`. */
  dns: string;
  /** mailcow's SMTP listener, `127.0.0.1:<port>`. */
  smtp: string;
}

/** The running emulators, for tests and tools that change the emulated state directly. */
export interface SandboxEmulators {
  mailcow: MailcowEmulator;
  exchange: ExchangeEmulators;
  dns: DnsEmulator;
  smtp: SmtpEmulator;
}

export interface RunningSandbox {
  scenario: Scenario;
  addresses: SandboxAddresses;
  /** Absolute path of the written spec. */
  specFile: string;
  /** The written spec's text. */
  specText: string;
  /** Where each line of the scenario's spec is in the written spec (lines from 0). */
  lineMap: number[];
  /** The sandbox CA's certificate, named by the written spec as `mailcow.caFile`. */
  caFile: string;
  /** Variables to set where the checks run; the written spec refers to them as `env:`. */
  env: Record<string, string>;
  emulators: SandboxEmulators;
  /** Stops every emulator and removes the CA file; the written spec stays. */
  stop(): Promise<void>;
}

/** Letters, digits and dashes only: mailcow drops every other character from an API key. */
function randomSecret(prefix: string): string {
  return `${prefix}-${randomBytes(18).toString('hex').toUpperCase()}`;
}

/** The `exchange:` section to emulate; a scenario without one gets an empty tenant. */
function exchangeSection(scenario: Scenario, spec: HybridSpec): ScenarioExchange {
  if (scenario.exchange) {
    return scenario.exchange;
  }
  const tenant = spec.exchange.tenant;
  const isGuid = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(tenant);
  return {
    tenantId: isGuid ? tenant : randomUUID(),
    initialDomain: isGuid || tenant === '' ? 'sandbox.onmicrosoft.com' : tenant,
  };
}

/** The app the written spec signs in as: the scenario's first, given a secret if it has none. */
function sandboxApp(exchange: ScenarioExchange): { apps: ScenarioApp[]; app: ScenarioApp } {
  const [first, ...others] = exchange.apps ?? [];
  const app: ScenarioApp = first
    ? { ...first, clientSecret: first.clientSecret ?? randomSecret('sandbox-secret') }
    : {
        clientId: randomUUID(),
        clientSecret: randomSecret('sandbox-secret'),
        roles: ['Exchange Administrator'],
      };
  return { apps: [app, ...others], app };
}

/** A host name as the emulated DNS keys it: lower case, without the root's dot. */
function bareName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The scenario's records, with mailcow's host names pointing at the loopback SMTP listener. */
function dnsRecords(scenario: Scenario, hostnames: string[]): Record<string, ScenarioDnsName> {
  const records: Record<string, ScenarioDnsName> = {};
  for (const [name, values] of Object.entries(scenario.dns)) {
    records[bareName(name)] = { ...values };
  }
  for (const hostname of hostnames) {
    // The SMTP probe connects to mailcow's host name through these resolvers; the real address
    // of a snapshot would lead off loopback.
    records[hostname] = { ...records[hostname], A: ['127.0.0.1'], AAAA: [] };
  }
  return records;
}

function specEdits(
  spec: HybridSpec,
  source: { has(path: (string | number)[]): boolean },
  values: {
    mailcowUrl: string;
    caFile: string;
    login: string;
    admin: string;
    clientId: string;
    dns: string;
    smtpPort: number;
  },
): RedirectEdit[] {
  const edits: RedirectEdit[] = [
    { path: ['mailcow', 'url'], value: values.mailcowUrl },
    { path: ['mailcow', 'apiKey'], value: `env:${SANDBOX_ENV.mailcowKey}` },
    { path: ['mailcow', 'caFile'], value: values.caFile },
    { path: ['exchange', 'endpoints', 'login'], value: values.login },
    { path: ['exchange', 'endpoints', 'admin'], value: values.admin },
    { path: ['exchange', 'auth', 'method'], value: 'clientSecret' },
    { path: ['exchange', 'auth', 'clientId'], value: values.clientId },
    { path: ['checks', 'dnsServers'], value: [values.dns] },
    { path: ['checks', 'smtpPort'], value: values.smtpPort },
  ];
  if (!source.has(['mailcow', 'hostname'])) {
    // The default host name is the URL's host, which now is 127.0.0.1: write out the one the
    // user's spec meant, so every check judges the same name.
    edits.push({ path: ['mailcow', 'hostname'], value: spec.mailcow.hostname });
  }
  const secretRef = `env:${SANDBOX_ENV.exchangeSecret}`;
  const hasCertificateFile = source.has(['exchange', 'auth', 'certificateFile']);
  const hasClientSecret = source.has(['exchange', 'auth', 'clientSecret']);
  if (hasCertificateFile && !hasClientSecret) {
    edits.push({
      path: ['exchange', 'auth', 'certificateFile'],
      replaceWith: { key: 'clientSecret', value: secretRef },
    });
  } else {
    if (hasCertificateFile) {
      edits.push({ path: ['exchange', 'auth', 'certificateFile'] });
    }
    edits.push({ path: ['exchange', 'auth', 'clientSecret'], value: secretRef });
  }
  return edits;
}

/**
 * Starts emulated mailcow (HTTPS), Exchange Online (sign-in and admin API), DNS and mailcow's
 * SMTP listener on free loopback ports, seeded from the scenario, and writes the scenario's
 * spec redirected to them. The emulators keep their state in memory: what a step changes, the
 * next read sees.
 * @throws ScenarioError when the scenario's spec cannot be redirected.
 */
export async function startSandbox(
  scenario: Scenario,
  options: SandboxOptions = {},
): Promise<RunningSandbox> {
  const logger = options.logger ?? silentLogger;
  const specName = scenario.spec.file ?? scenario.file;
  const parsed = parseSpec(scenario.spec.text, scenario.spec.file);
  if (!parsed.spec) {
    throw new ScenarioError(msg('sandbox.spec.notMapping', { file: specName }));
  }
  const spec = parsed.spec;
  const hostname = bareName(scenario.mailcow.hostname ?? spec.mailcow.hostname);
  for (const name of [hostname, bareName(spec.mailcow.hostname)]) {
    if (isIpAddress(name) && !isLoopbackHost(name)) {
      // The SMTP probe connects to an address as it is, past the emulated DNS, so the checks
      // would leave loopback; only a name can be pointed at the emulated listener.
      throw new ScenarioError(msg('sandbox.hostnameAddress', { hostname: name, file: specName }));
    }
  }
  const specFile = resolve(
    options.writeSpecTo ?? join(dirname(scenario.spec.file ?? scenario.file), SANDBOX_SPEC_NAME),
  );
  // The written spec points at loopback and a CA that is gone after the run: written over the
  // user's own spec (one named sandbox.hybrid.yaml, or --write-spec naming it) or over the
  // scenario, it would destroy the file the sandbox was started from.
  for (const own of [scenario.spec.file, scenario.file]) {
    if (own !== undefined && resolve(own) === specFile) {
      throw new ScenarioError(msg('sandbox.spec.wouldOverwrite', { file: specFile }));
    }
  }

  const stops: (() => Promise<void> | void)[] = [];
  const stopAll = async (): Promise<void> => {
    for (const stop of stops.reverse()) {
      await stop();
    }
    stops.length = 0;
  };
  try {
    const folder = mkdtempSync(join(tmpdir(), 'mail-hybrid-sandbox-'));
    stops.push(() => rmSync(folder, { recursive: true, force: true }));
    const ca: TestCa = createTestCa('Mail Hybrid Sandbox CA (emulation only)');
    const caFile = join(folder, 'sandbox-ca.pem');
    writeFileSync(caFile, ca.certPem);

    const dns = await startDnsEmulator(
      dnsRecords(scenario, [...new Set([hostname, bareName(spec.mailcow.hostname)])]),
    );
    stops.push(() => dns.close());

    const [firstKey] = scenario.mailcow.apiKeys ?? [];
    const apiKeys = firstKey
      ? scenario.mailcow.apiKeys
      : [{ key: randomSecret('SANDBOX-RW'), access: 'rw' as const, allowFrom: ['127.0.0.1'] }];
    const mailcowKey = (firstKey ?? apiKeys?.[0])?.key ?? '';
    const apiCertificate = issueCertificate(ca, { names: ['127.0.0.1', 'localhost', hostname] });
    const mailcow = await startMailcowEmulator(
      { ...scenario.mailcow, hostname, apiKeys },
      {
        tls: { cert: apiCertificate.chainPem, key: apiCertificate.keyPem },
        dnsServers: [dns.address],
      },
    );
    stops.push(() => mailcow.close());

    const exchangeSeed = exchangeSection(scenario, spec);
    const tenant = spec.exchange.tenant.toLowerCase();
    if (
      tenant !== exchangeSeed.tenantId.toLowerCase() &&
      tenant !== exchangeSeed.initialDomain.toLowerCase()
    ) {
      // Faithful to Exchange: the emulated tenant refuses sign-in for another tenant. Said up
      // front, because the checks will only report a failed sign-in.
      logger.warn(
        msg('sandbox.tenantMismatch', {
          tenant: spec.exchange.tenant,
          tenantId: exchangeSeed.tenantId,
          initialDomain: exchangeSeed.initialDomain,
        }),
      );
    }
    const { apps, app } = sandboxApp(exchangeSeed);
    const exchange = await startExchangeEmulators({ ...exchangeSeed, apps });
    stops.push(() => exchange.close());

    const smtpShape = scenario.smtp ?? { starttls: true, certificate: { names: [hostname] } };
    const smtp = await startScenarioSmtp(smtpShape, ca, { hostname });
    stops.push(() => smtp.close());

    const addresses: SandboxAddresses = {
      mailcow: mailcow.url,
      login: exchange.loginUrl,
      admin: exchange.adminUrl,
      dns: dns.address,
      smtp: `127.0.0.1:${smtp.port}`,
    };
    let redirected: RedirectedSpec;
    try {
      redirected = redirectSpec(
        scenario.spec.text,
        specEdits(spec, parsed.source, {
          mailcowUrl: mailcow.url,
          caFile,
          login: exchange.loginUrl,
          admin: exchange.adminUrl,
          clientId: app.clientId,
          dns: dns.address,
          smtpPort: smtp.port,
        }),
      );
    } catch (error) {
      if (error instanceof RedirectError) {
        throw new ScenarioError(msg('sandbox.spec.notMapping', { file: specName }));
      }
      throw error;
    }
    writeFileSync(specFile, redirected.text);

    logger.info(msg('sandbox.started'));
    logger.info(msg('sandbox.address.mailcow', { url: addresses.mailcow }));
    logger.info(msg('sandbox.address.login', { url: addresses.login }));
    logger.info(msg('sandbox.address.admin', { url: addresses.admin }));
    logger.info(msg('sandbox.address.dns', { address: addresses.dns }));
    logger.info(msg('sandbox.address.smtp', { address: addresses.smtp }));
    logger.info(msg('sandbox.spec.written', { file: specFile }));

    let stopped: Promise<void> | undefined;
    return {
      scenario,
      addresses,
      specFile,
      specText: redirected.text,
      lineMap: redirected.lineMap,
      caFile,
      env: {
        [SANDBOX_ENV.mailcowKey]: mailcowKey,
        [SANDBOX_ENV.exchangeSecret]: app.clientSecret ?? '',
      },
      emulators: { mailcow, exchange, dns, smtp },
      stop: () => {
        stopped ??= (async () => {
          logger.info(msg('sandbox.stopping'));
          await stopAll();
          logger.info(msg('sandbox.stopped'));
        })();
        return stopped;
      },
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
