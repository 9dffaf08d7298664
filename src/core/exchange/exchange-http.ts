import axios, { type AxiosInstance, type AxiosProxyConfig } from 'axios';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { rootCertificates } from 'node:tls';
import { msg } from '../messages/catalogue';

/** Network settings shared by the sign-in and the admin API clients. */
export interface HttpSettings {
  timeoutMs: number;
  /**
   * `http://[user:pass@]host:port` of a proxy. Left out, the usual `HTTPS_PROXY`/`NO_PROXY`
   * variables apply, as they do for every other tool on the machine.
   */
  proxy?: string;
  /** PEM file with extra certificate authorities to trust (TLS-inspecting proxies). */
  caFile?: string;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

export type HttpOutcome =
  | { ok: true; response: RawResponse }
  | { ok: false; kind: 'unreachable' | 'timeout'; reason: string };

const MAX_BODY_BYTES = 64 * 1024 * 1024;

/**
 * One POST at a time over axios with the settings above, answering with raw bytes. Nothing is
 * decoded here because Exchange's failures are not always JSON (a 403 may be a few NUL bytes),
 * and redirects are never followed because a followed redirect would carry the bearer token to
 * whatever host it names.
 */
export class ExchangeHttp {
  private instance: AxiosInstance | undefined;
  private setupFailure: string | undefined;

  constructor(private readonly settings: HttpSettings) {}

  async post(url: string, body: string, headers: Record<string, string>): Promise<HttpOutcome> {
    const instance = this.getInstance();
    if (!instance) {
      return { ok: false, kind: 'unreachable', reason: this.setupFailure ?? '' };
    }
    try {
      const response = await instance.post<ArrayBuffer>(url, body, { headers });
      const plainHeaders: Record<string, string> = {};
      for (const [name, value] of Object.entries(response.headers as Record<string, unknown>)) {
        if (value !== undefined && value !== null) {
          plainHeaders[name.toLowerCase()] = Array.isArray(value)
            ? value.map(headerText).join(', ')
            : headerText(value);
        }
      }
      return {
        ok: true,
        response: {
          status: response.status,
          headers: plainHeaders,
          body: Buffer.from(response.data ?? new ArrayBuffer(0)),
        },
      };
    } catch (error) {
      return describeNetworkFailure(error);
    }
  }

  private getInstance(): AxiosInstance | undefined {
    if (this.instance || this.setupFailure !== undefined) {
      return this.instance;
    }
    let httpsAgent: https.Agent | undefined;
    if (this.settings.caFile) {
      try {
        const extra = readFileSync(this.settings.caFile, 'utf8');
        httpsAgent = new https.Agent({ ca: [...rootCertificates, extra], keepAlive: true });
      } catch (error) {
        this.setupFailure = msg('exchange.caFileUnreadable', {
          file: this.settings.caFile,
          reason: error instanceof Error ? error.message : String(error),
        });
        return undefined;
      }
    }
    let proxy: AxiosProxyConfig | undefined;
    if (this.settings.proxy) {
      const parsed = parseProxy(this.settings.proxy);
      if (!parsed) {
        this.setupFailure = msg('exchange.proxyInvalid');
        return undefined;
      }
      proxy = parsed;
    }
    this.instance = axios.create({
      timeout: this.settings.timeoutMs,
      maxRedirects: 0,
      maxContentLength: MAX_BODY_BYTES,
      responseType: 'arraybuffer',
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
      ...(httpsAgent ? { httpsAgent } : {}),
      ...(proxy ? { proxy } : {}),
    });
    return this.instance;
  }
}

function headerText(value: unknown): string {
  return typeof value === 'string' ? value : typeof value === 'number' ? String(value) : '';
}

function parseProxy(value: string): AxiosProxyConfig | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return undefined;
  }
  const config: AxiosProxyConfig = {
    protocol: url.protocol.replace(':', ''),
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80,
  };
  if (url.username) {
    config.auth = {
      username: decodeURIComponent(url.username),
      password: decodeURIComponent(url.password),
    };
  }
  return config;
}

function describeNetworkFailure(error: unknown): HttpOutcome {
  const rawCode: unknown =
    error !== null && typeof error === 'object' && 'code' in error ? error.code : '';
  const code = typeof rawCode === 'string' ? rawCode : '';
  if (code === 'ETIMEDOUT' || code === 'ECONNABORTED') {
    return { ok: false, kind: 'timeout', reason: code };
  }
  // The error text of a failed connection names host and port, never headers, so it is safe to
  // show; the code alone ("ECONNREFUSED") is too terse for an admin.
  const text = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    kind: 'unreachable',
    reason: code && !text.includes(code) ? `${code}: ${text}` : text,
  };
}

/** `scheme://host:port` of a URL, or undefined when it does not parse. */
export function originOf(url: string): string | undefined {
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
