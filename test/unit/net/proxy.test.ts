import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  bypassesProxy,
  isLoopbackHost,
  proxyDisplay,
  proxyFor,
  proxySettingsFromEnvironment,
} from '../../../src/core/net/proxy';

const url = (text: string): URL => new URL(text);

describe('NO_PROXY matching', () => {
  it('matches a host name and every name below it, with or without a leading dot or *.', () => {
    for (const entry of ['example.com', '.example.com', '*.example.com', 'EXAMPLE.com.']) {
      assert.equal(bypassesProxy(url('https://mail.example.com'), entry), true, entry);
      assert.equal(bypassesProxy(url('https://example.com'), entry), true, entry);
      assert.equal(bypassesProxy(url('https://badexample.com'), entry), false, entry);
    }
  });

  it('takes comma or space separated strings and lists', () => {
    assert.equal(bypassesProxy(url('https://b.test'), 'a.test, b.test'), true);
    assert.equal(bypassesProxy(url('https://b.test'), 'a.test b.test'), true);
    assert.equal(bypassesProxy(url('https://b.test'), ['a.test', 'b.test']), true);
    assert.equal(bypassesProxy(url('https://c.test'), ['a.test', 'b.test']), false);
    assert.equal(bypassesProxy(url('https://c.test'), ''), false);
    assert.equal(bypassesProxy(url('https://c.test'), undefined), false);
  });

  it('treats * as every host', () => {
    assert.equal(bypassesProxy(url('https://anything.example'), '*'), true);
  });

  it('narrows an entry to a port, counting default ports', () => {
    assert.equal(bypassesProxy(url('https://mail.example.com:8443'), 'example.com:8443'), true);
    assert.equal(bypassesProxy(url('https://mail.example.com'), 'example.com:8443'), false);
    assert.equal(bypassesProxy(url('https://mail.example.com'), 'example.com:443'), true);
    assert.equal(bypassesProxy(url('http://mail.example.com'), 'example.com:80'), true);
  });

  it('matches addresses and CIDR ranges, IPv4 and IPv6', () => {
    assert.equal(bypassesProxy(url('https://192.0.2.10'), '192.0.2.0/24'), true);
    assert.equal(bypassesProxy(url('https://192.0.3.10'), '192.0.2.0/24'), false);
    assert.equal(bypassesProxy(url('https://192.0.2.10:8443'), '192.0.2.10'), true);
    assert.equal(bypassesProxy(url('https://[2001:db8::5]'), '2001:db8::/32'), true);
    assert.equal(bypassesProxy(url('https://[2001:db8::5]:8443'), '[2001:db8::5]:8443'), true);
    assert.equal(bypassesProxy(url('https://[2001:db9::5]'), '2001:db8::/32'), false);
  });

  it('never proxies loopback', () => {
    for (const host of ['localhost', 'mail.localhost', '127.0.0.1', '127.1.2.3', '[::1]']) {
      assert.equal(isLoopbackHost(host), true, host);
      assert.equal(
        proxyFor(url(`https://${host}:8443`), { url: 'http://proxy.test:3128' }),
        undefined,
      );
    }
    assert.equal(isLoopbackHost('128.0.0.1'), false);
  });
});

describe('proxy selection', () => {
  it('uses the proxy URL unless bypassed, reading host:port as an HTTP proxy', () => {
    const target = url('https://mail.example.com');
    assert.equal(proxyFor(target, { url: 'http://proxy.test:3128' })?.host, 'proxy.test:3128');
    assert.equal(proxyFor(target, { url: 'proxy.test:3128' })?.protocol, 'http:');
    assert.equal(proxyFor(target, { url: '' }), undefined);
    assert.equal(proxyFor(target, undefined), undefined);
    assert.equal(
      proxyFor(target, { url: 'http://proxy.test:3128', noProxy: 'example.com' }),
      undefined,
    );
    assert.throws(() => proxyFor(target, { url: 'socks5://proxy.test:1080' }), /unsupported/);
  });

  it('shows a proxy without its credentials', () => {
    assert.equal(
      proxyDisplay(new URL('http://user:secret-value@proxy.test:3128')),
      'http://proxy.test:3128',
    );
  });

  it('reads the environment the way command-line tools do', () => {
    const env = {
      https_proxy: 'http://p1.test:1',
      HTTP_PROXY: 'http://p2.test:2',
      NO_PROXY: 'corp.test',
    };
    assert.deepEqual(proxySettingsFromEnvironment(env, url('https://x.test')), {
      url: 'http://p1.test:1',
      noProxy: 'corp.test',
    });
    assert.equal(proxySettingsFromEnvironment(env, url('http://x.test')).url, 'http://p2.test:2');
    assert.equal(
      proxySettingsFromEnvironment({ ALL_PROXY: 'http://p3.test:3' }, url('https://x.test')).url,
      'http://p3.test:3',
    );
    assert.equal(proxySettingsFromEnvironment({}, url('https://x.test')).url, undefined);
  });
});
