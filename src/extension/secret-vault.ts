import type * as vscode from 'vscode';
import { SECRET_PREFIX } from './constants';

interface StoredSecret {
  /** scheme://host:port the secret was stored for; it is never sent anywhere else unasked. */
  origin: string;
  value: string;
}

export class SecretStorageUnavailable extends Error {}

/**
 * The only place that touches VS Code's secret storage. Each secret is bound to the origin it
 * was stored for, so a spec whose URL changed cannot quietly send a key to a new host.
 */
export class SecretVault {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async store(name: string, origin: string, value: string): Promise<void> {
    const record: StoredSecret = { origin, value };
    try {
      await this.secrets.store(SECRET_PREFIX + name, JSON.stringify(record));
    } catch (error) {
      // Typically a missing OS keyring on Linux; the message must not echo the value.
      throw new SecretStorageUnavailable((error as Error).message);
    }
  }

  async stored(name: string): Promise<StoredSecret | undefined> {
    const raw = await this.secrets.get(SECRET_PREFIX + name);
    if (raw === undefined) {
      return undefined;
    }
    try {
      const parsed = JSON.parse(raw) as Partial<StoredSecret>;
      return typeof parsed.value === 'string' && typeof parsed.origin === 'string'
        ? (parsed as StoredSecret)
        : undefined;
    } catch {
      return undefined;
    }
  }

  /**
   * The secret for `origin`. When it was stored for another origin, `confirmRebind` decides
   * (the user is asked); on yes the secret is re-bound to the new origin.
   */
  async resolve(
    name: string,
    origin: string,
    confirmRebind: (storedFor: string) => Promise<boolean>,
  ): Promise<string | undefined> {
    const record = await this.stored(name);
    if (!record) {
      return undefined;
    }
    if (record.origin === origin) {
      return record.value;
    }
    if (!(await confirmRebind(record.origin))) {
      return undefined;
    }
    await this.store(name, origin, record.value);
    return record.value;
  }

  async forget(name: string): Promise<void> {
    await this.secrets.delete(SECRET_PREFIX + name);
  }
}
