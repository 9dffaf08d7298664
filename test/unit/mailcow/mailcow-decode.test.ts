import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  MailcowDecodeError,
  decodeDomain,
  decodeFlag,
  decodeInt,
  decodeList,
  decodeOne,
  decodeWriteEntries,
} from '../../../src/core/mailcow/mailcow-decode';
import {
  describeMailcowFailure,
  describeMailcowMessage,
} from '../../../src/core/mailcow/mailcow-error';

describe('mailcow reply decoding', () => {
  it('reads flags as numbers, strings or booleans, and refuses anything else', () => {
    for (const yes of [1, '1', true]) {
      assert.equal(decodeFlag(yes, 'f'), true);
    }
    for (const no of [0, '0', false, '']) {
      assert.equal(decodeFlag(no, 'f'), false);
    }
    assert.equal(decodeFlag(undefined, 'f', true), true);
    assert.throws(() => decodeFlag('yes', 'f'), MailcowDecodeError);
    assert.throws(() => decodeFlag(2, 'f'), MailcowDecodeError);
    assert.throws(() => decodeFlag(undefined, 'f'), MailcowDecodeError);
  });

  it('reads numbers and numeric strings', () => {
    assert.equal(decodeInt('10737418240', 'q'), 10737418240);
    assert.equal(decodeInt(3, 'q'), 3);
    assert.equal(decodeInt('', 'q', 0), 0);
    assert.throws(() => decodeInt('many', 'q'), MailcowDecodeError);
  });

  it('reads {} as an empty list, a lone object as one item, and refuses other shapes', () => {
    const id = (item: Record<string, unknown>): unknown => item.host;
    assert.deepEqual(decodeList({}, 'l', 'host', id), []);
    assert.deepEqual(decodeList([{ host: 'a' }, { host: 'b' }], 'l', 'host', id), ['a', 'b']);
    assert.deepEqual(decodeList({ host: 'a' }, 'l', 'host', id), ['a']);
    assert.throws(() => decodeList('text', 'l', 'host', id), MailcowDecodeError);
    assert.throws(() => decodeList([1], 'l', 'host', id), MailcowDecodeError);
    assert.throws(() => decodeList({ other: 1 }, 'l', 'host', id), MailcowDecodeError);
    assert.equal(decodeOne({}, 'o', 'host', id), undefined);
    assert.equal(decodeOne({ host: 'a' }, 'o', 'host', id), 'a');
  });

  it('lower-cases domain names and maps relayhost "0" to none', () => {
    const domain = decodeDomain({ domain_name: 'Example.COM', relayhost: '0', backupmx: '1' });
    assert.equal(domain.name, 'example.com');
    assert.equal(domain.relayhostId, 0);
    assert.equal(domain.relay.domain, true);
  });

  it('reads write replies as arrays or single objects and drops the log arrays', () => {
    const entries = decodeWriteEntries([
      {
        type: 'success',
        log: ['relayhost', 'add', { password: 'echoed' }],
        msg: ['relayhost_added', ''],
      },
      { type: 'danger', log: [], msg: 'access_denied' },
    ]);
    assert.deepEqual(entries, [
      { type: 'success', msgKey: 'relayhost_added', msgArgs: [''] },
      { type: 'danger', msgKey: 'access_denied', msgArgs: [] },
    ]);
    assert.deepEqual(decodeWriteEntries({ type: 'success', msg: 'Task completed' }), [
      { type: 'success', msgKey: 'Task completed', msgArgs: [] },
    ]);
    assert.throws(() => decodeWriteEntries([{ msg: 'x' }]), MailcowDecodeError);
  });
});

describe('mailcow failure sentences', () => {
  it('explains mailcow keys, envelope texts and unknown keys', () => {
    assert.match(
      describeMailcowMessage('domain_exists', ['example.com']),
      /example\.com already exists/,
    );
    assert.match(describeMailcowMessage('Cannot find attributes in post data'), /no attributes/);
    assert.match(describeMailcowMessage('brand_new_key', ['x']), /"brand_new_key x"/);
  });

  it('builds one sentence per failure with every value filled in', () => {
    const sentence = describeMailcowFailure({
      kind: 'ip-not-allowed',
      reason: 'ip-denied',
      origin: 'https://mail.example.com',
      request: 'GET /api/v1/get/domain/all',
      deniedAddress: '203.0.113.9',
    });
    assert.match(sentence, /https:\/\/mail\.example\.com/);
    assert.equal(sentence.match(/203\.0\.113\.9/g)?.length, 2);
    const refused = describeMailcowFailure({
      kind: 'rejected',
      reason: 'mailcow-refused',
      origin: 'https://mail.example.com',
      request: 'POST /api/v1/add/fwdhost',
      msgKey: 'invalid_host',
      msgArgs: ['mx.example.net'],
    });
    assert.match(
      refused,
      /^mailcow refused POST \/api\/v1\/add\/fwdhost: mailcow could not use the host "mx\.example\.net"/,
    );
  });
});
