/**
 * The few PHP behaviours mailcow's replies depend on: how `json_encode` writes text, and how
 * `intval`, `empty` and `isset` treat the values a JSON body can hold.
 */

/**
 * `json_encode` as mailcow calls it: `/` written as `\/`; compact replies escape non-ASCII as
 * `\uXXXX`, while `get` replies are pretty-printed (4 spaces) with literal UTF-8.
 */
export function phpJson(value: unknown, style: 'compact' | 'pretty'): string {
  const text = style === 'pretty' ? JSON.stringify(value, null, 4) : JSON.stringify(value);
  const slashes = text.replace(/\//g, '\\/');
  if (style === 'pretty') {
    return slashes;
  }
  return slashes.replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A decoded JSON body as PHP holds it: an empty object is an empty array (written `[]`). */
export function asPhpArray(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(asPhpArray);
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) {
      return [];
    }
    return Object.fromEntries(entries.map(([name, inner]) => [name, asPhpArray(inner)]));
  }
  return value;
}

/** PHP's `intval`: leading integer of a string, booleans as 0/1, everything else 0 or 1. */
export function intval(value: unknown): number {
  if (typeof value === 'number') {
    return Number.isFinite(value) ? Math.trunc(value) : 0;
  }
  if (typeof value === 'boolean') {
    return value ? 1 : 0;
  }
  if (typeof value === 'string') {
    const match = /^\s*([+-]?\d+)/.exec(value);
    return match ? Number(match[1]) : 0;
  }
  if (Array.isArray(value)) {
    return value.length === 0 ? 0 : 1;
  }
  if (value !== null && typeof value === 'object') {
    return Object.keys(value).length === 0 ? 0 : 1;
  }
  return 0;
}

/** PHP's `empty`. */
export function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') {
    return true;
  }
  if (value === '0') {
    return true;
  }
  if (Array.isArray(value)) {
    return value.length === 0;
  }
  if (typeof value === 'object') {
    return Object.keys(value).length === 0;
  }
  return false;
}

/** PHP's `isset`. */
export function isSet(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** PHP's loose `== 1` as mailcow uses it for `filter_spam`. */
export function looselyOne(value: unknown): boolean {
  if (value === true) {
    return true;
  }
  if (typeof value === 'number') {
    return value === 1;
  }
  if (typeof value === 'string') {
    return value.trim() !== '' && Number(value) === 1;
  }
  return false;
}

/** PHP's string cast of a scalar. */
export function phpString(value: unknown): string {
  if (value === undefined || value === null || value === false) {
    return '';
  }
  if (value === true) {
    return '1';
  }
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number') {
    return String(value);
  }
  return 'Array';
}
