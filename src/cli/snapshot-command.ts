import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { DnsServerError } from '../core/dns/resolver';
import { msg } from '../core/messages/catalogue';
import { proxySettingsFromEnvironment } from '../core/net/proxy';
import type { SecretRef } from '../core/spec/model';
import { parseSpec } from '../core/spec/parse-spec';
import { takeSnapshot } from '../sandbox/snapshot';
import { clientsForSpec } from '../sandbox/spec-clients';
import type { Output } from './cli-io';
import { stderrLogger } from './live-host';

const EXIT_OK = 0;
const EXIT_PARTIAL = 1;
const EXIT_UNUSABLE = 2;

/** The command line reads secrets from the environment only: it has no secret storage. */
function envSecrets(io: Output): (ref: SecretRef) => Promise<string | undefined> {
  return (ref) => {
    if (ref.kind !== 'env') {
      io.err(
        msg('sandbox.cli.secretNotEnv', {
          key: 'A secret',
          ref: ref.kind === 'secret' ? `secret:${ref.name}` : 'written inline',
        }),
      );
      return Promise.resolve(undefined);
    }
    const value = process.env[ref.name];
    if (value === undefined || value === '') {
      io.err(msg('sandbox.cli.secretMissing', { name: ref.name }));
      return Promise.resolve(undefined);
    }
    return Promise.resolve(value);
  };
}

/**
 * `snapshot <spec> [--out <file>]`: reads the live systems the spec names and writes them as a
 * sandbox scenario with every secret removed. Exit 1 when a system could not be read (the
 * snapshot is written without it), 2 when nothing could run.
 */
export async function runSnapshot(args: string[], io: Output): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
  } catch (error) {
    io.err(
      `${msg('cli.badOption', { detail: (error as Error).message })}\n${msg('sandbox.cli.usage')}`,
    );
    return EXIT_UNUSABLE;
  }
  const [specArg, ...extra] = parsed.positionals;
  if (!specArg || extra.length > 0) {
    io.err(msg('sandbox.cli.missingSpec'));
    return EXIT_UNUSABLE;
  }
  let text: string;
  try {
    text = readFileSync(specArg, 'utf8').replace(/^\uFEFF/, '');
  } catch (error) {
    io.err(msg('cli.unreadable', { file: specArg, reason: (error as Error).message }));
    return EXIT_UNUSABLE;
  }
  const specFile = resolve(specArg);
  const { spec } = parseSpec(text, specFile);
  if (!spec) {
    io.err(msg('sandbox.spec.notMapping', { file: specArg }));
    return EXIT_UNUSABLE;
  }
  const logger = stderrLogger('warn', (line) => io.err(line));
  let clients;
  try {
    clients = clientsForSpec(spec, {
      logger,
      resolveSecret: envSecrets(io),
      proxy: (target) => proxySettingsFromEnvironment(process.env, target),
    });
  } catch (error) {
    if (error instanceof DnsServerError) {
      io.err(error.message);
      return EXIT_UNUSABLE;
    }
    throw error;
  }
  const out = parsed.values.out;
  const specRef = relative(out ? dirname(resolve(out)) : process.cwd(), specFile)
    .split(sep)
    .join('/');
  const exchangeUsable = spec.exchange.auth.method !== 'vscode';
  const problems: string[] = [];
  if (!exchangeUsable) {
    problems.push(msg('sandbox.snapshot.noExchange', { method: spec.exchange.auth.method }));
  }
  const snapshot = await takeSnapshot(spec, specRef.startsWith('.') ? specRef : `./${specRef}`, {
    dns: clients.dns,
    logger,
    ...(spec.mailcow.apiKey ? { mailcow: clients.mailcow } : {}),
    ...(exchangeUsable ? { exchange: clients.exchange } : {}),
  });
  problems.push(...snapshot.problems);
  for (const problem of problems) {
    io.err(problem);
  }
  if (out) {
    try {
      writeFileSync(out, snapshot.text);
    } catch (error) {
      io.err(msg('cli.output.writeFailed', { file: out, reason: (error as Error).message }));
      return EXIT_UNUSABLE;
    }
    io.err(msg('sandbox.snapshot.written', { file: out }));
  } else {
    io.out(snapshot.text);
  }
  return problems.length > 0 ? EXIT_PARTIAL : EXIT_OK;
}
