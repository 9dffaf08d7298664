import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createCliLiveHost, stderrLogger } from '../../../src/cli/live-host';
import { silentLogger } from '../../../src/core/log';
import { parseSpec } from '../../../src/core/spec/parse-spec';
import { MINIMAL } from '../support/spec-text';

const spec = (url: string) => {
  const parsed = parseSpec(MINIMAL.replace('https://mail.example.com', url), '/specs/hybrid.yaml');
  assert.ok(parsed.spec);
  return parsed.spec;
};

describe('the command line live host', () => {
  it('reads env: references from the environment it is given, and never secret: or inline values', async () => {
    const host = createCliLiveHost(spec('https://mail.example.com'), {
      env: { MAILCOW_KEY: '  KEY-1  ', EMPTY: ' ' },
      logger: silentLogger,
    });
    assert.equal(await host.resolveSecret({ kind: 'env', name: 'MAILCOW_KEY' }, ''), 'KEY-1');
    assert.equal(await host.resolveSecret({ kind: 'env', name: 'EMPTY' }, ''), undefined);
    assert.equal(await host.resolveSecret({ kind: 'env', name: 'UNSET' }, ''), undefined);
    assert.equal(await host.resolveSecret({ kind: 'secret', name: 'mailcow' }, ''), undefined);
    assert.equal(await host.resolveSecret({ kind: 'inline', value: 'x' }, ''), undefined);
    assert.match(host.explainMissingSecret?.({ kind: 'secret', name: 'mailcow' }) ?? '', /env:/);
    assert.equal(host.explainMissingSecret?.({ kind: 'env', name: 'X' }), undefined);
  });

  it('takes the proxy for the scheme of mailcow.url and NO_PROXY from the environment', () => {
    const env = {
      HTTPS_PROXY: 'http://proxy.test:3128',
      http_proxy: 'http://plain-proxy.test:8080',
      NO_PROXY: 'localhost,.internal.test',
    };
    const secure = createCliLiveHost(spec('https://mail.example.com'), {
      env,
      logger: silentLogger,
    });
    assert.deepEqual(secure.proxy, {
      url: 'http://proxy.test:3128',
      noProxy: 'localhost,.internal.test',
    });
    const plain = createCliLiveHost(spec('http://mail.example.com'), { env, logger: silentLogger });
    assert.equal(plain.proxy?.url, 'http://plain-proxy.test:8080');
  });

  it('logs to its writer from the chosen level up', () => {
    const lines: string[] = [];
    const logger = stderrLogger('info', (line) => lines.push(line));
    logger.debug('hidden');
    logger.info('shown');
    logger.error('also shown');
    assert.deepEqual(lines, ['[info] shown', '[error] also shown']);
  });
});
