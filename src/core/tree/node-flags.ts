/**
 * The words a setup node's context value is made of, besides its kind and its status (which are
 * flags too). The extension joins a node's flags with `+` (`domain+mailcow+live+drift`), so a
 * `when` clause tests one flag with a regular expression and ignores the others; see
 * `flagPattern`.
 */
export const NodeFlags = {
  mailcow: 'mailcow',
  exchange: 'exchange',
  dns: 'dns',
  /** A live check filled in the node's live value. */
  live: 'live',
  /** The live value differs from the desired one. */
  drift: 'drift',
  /** The desired value is not written in the spec; it is the recipe's default. */
  defaulted: 'default',
  /** The node has a place in the spec to reveal. */
  revealable: 'revealable',
} as const;

/** The separator between flags in a context value. */
export const FLAG_SEPARATOR = '+';

/** A regular expression, as `when` clauses write it, that matches a context value holding `flag`. */
export function flagPattern(flag: string): string {
  const escaped = flag.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
  return `/(^|\\${FLAG_SEPARATOR})${escaped}(\\${FLAG_SEPARATOR}|$)/`;
}
