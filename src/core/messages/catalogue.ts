import { bounceMessages } from './bounce-messages';
import { cliLiveMessages } from './cli-live-messages';
import { cliMessages } from './cli-messages';
import { cliOutputMessages } from './cli-output-messages';
import { crossSystemMessages } from './cross-system-messages';
import { dnsLiveMessages } from './dns-live-messages';
import { dnsMessages } from './dns-messages';
import { exchangeLiveMessages } from './exchange-live-messages';
import { exchangeMessages } from './exchange-messages';
import { findingMessages } from './finding-messages';
import { mailcowLiveMessages } from './mailcow-live-messages';
import { mailcowMessages } from './mailcow-messages';
import { sandboxMessages } from './sandbox-messages';
import { specMessages } from './spec-messages';
import { tlsLiveMessages } from './tls-live-messages';
import { tlsMessages } from './tls-messages';
import { validateMessages } from './validate-messages';
import { treeMessages } from './tree-messages';

/**
 * Every sentence the core shows a person, keyed by a stable id. One file per area keeps
 * parallel work from colliding; this module joins them. A second language is another object
 * with the same keys, picked by `setLocale`.
 */
const english = {
  ...specMessages,
  ...findingMessages,
  ...cliMessages,
  ...cliLiveMessages,
  ...cliOutputMessages,
  ...mailcowMessages,
  ...mailcowLiveMessages,
  ...exchangeMessages,
  ...exchangeLiveMessages,
  ...dnsMessages,
  ...dnsLiveMessages,
  ...tlsMessages,
  ...tlsLiveMessages,
  ...crossSystemMessages,
  ...bounceMessages,
  ...validateMessages,
  ...treeMessages,
  ...sandboxMessages,
} as const;

export type MessageId = keyof typeof english;
export type MessageArgs = Record<string, string | number | boolean | undefined>;
type Catalogue = Record<MessageId, string>;

const catalogues: Record<string, Partial<Catalogue>> = { en: english };
let active: Partial<Catalogue> = english;

/** Chooses the language of later messages; unknown languages and missing keys fall back to English. */
export function setLocale(locale: string): void {
  active = catalogues[locale] ?? catalogues[locale.split('-')[0] ?? 'en'] ?? english;
}

/** Registers a translation. Keys it lacks keep their English text. */
export function registerCatalogue(locale: string, catalogue: Partial<Catalogue>): void {
  catalogues[locale] = catalogue;
}

/**
 * The sentence for `id` with `{name}` placeholders filled from `args`. A placeholder without a
 * value stays visible, so a missing argument shows up in review instead of vanishing.
 */
export function msg(id: MessageId, args: MessageArgs = {}): string {
  const template = active[id] ?? english[id];
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = args[name];
    return value === undefined ? whole : String(value);
  });
}

export function hasMessage(id: string): id is MessageId {
  return Object.prototype.hasOwnProperty.call(english, id);
}
