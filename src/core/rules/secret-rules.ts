import type { Finding } from '../findings/finding';
import { findingAt } from '../findings/make-finding';
import { msg } from '../messages/catalogue';
import { urlOrigin } from '../spec/build-model';
import type { SecretRef, SpecPath } from '../spec/model';
import type { RuleContext } from './rule-context';
import { replaceValue } from './rule-context';

/**
 * A key or client secret written into the file ends up in version control and backups. The
 * fix moves the value into secret storage (bound to the system it is for) and leaves a
 * `secret:` reference behind.
 */
export function inlineSecrets(context: RuleContext): Finding[] {
  const { spec, source } = context;
  const candidates: { path: SpecPath; ref?: SecretRef; secretName: string; what: string; origin?: string }[] = [
    { path: ['mailcow', 'apiKey'], ref: spec.mailcow.apiKey, secretName: 'mailcow', what: 'mailcow API key', origin: spec.mailcow.origin },
    {
      path: ['exchange', 'auth', 'clientSecret'],
      ref: spec.exchange.auth.clientSecret,
      secretName: 'exchange-app',
      what: 'Exchange app client secret',
      // The live check hands this secret out for the sign-in endpoint's origin; bound to the
      // URL as written (a port, a path, capitals), it would ask on first use as if moved.
      origin: urlOrigin(spec.exchange.endpoints.login),
    },
  ];
  const findings: Finding[] = [];
  for (const candidate of candidates) {
    if (candidate.ref?.kind !== 'inline') {
      continue;
    }
    const edits = replaceValue(context, candidate.path, `secret:${candidate.secretName}`) ?? [];
    findings.push(
      findingAt(source, 'secret-inline', candidate.path, 'finding.secret-inline', { what: candidate.what, name: candidate.secretName }, {
        fixes: [
          {
            kind: 'storeSecret',
            title: msg('fix.storeSecret', { name: candidate.secretName }),
            secretName: candidate.secretName,
            path: candidate.path,
            edits,
            origin: candidate.origin,
          },
        ],
      }),
    );
  }
  return findings;
}
