import { RunnerApiError } from './runner-api-error.js';

export interface ApiTransportOptions {
  /** The API's base URL, e.g. `http://127.0.0.1:8080` (a path prefix is kept). */
  apiUrl: string;
  /** Sent as `Authorization: Bearer <token>` when set (the API's `API_TOKEN`). */
  token?: string;
  /** Time budget of each call, in ms. Default 10 000. */
  timeoutMs?: number;
  /** Default: the global fetch. */
  fetchImpl?: typeof fetch;
}

export interface ApiAnswer {
  status: number;
  /** The parsed JSON body; undefined for an empty one (204). */
  body: unknown;
}

const SERVER_MESSAGE_MAX_CHARS = 300;

/**
 * JSON over HTTP to the smart-reap API: one place for the base URL, the token and the per-call
 * timeout. A non-2xx answer throws RunnerApiError; a network failure or a timeout throws what
 * fetch throws (TypeError, TimeoutError), so callers can tell "refused" from "not reached".
 */
export class ApiTransport {
  private readonly base: string;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;

  constructor(options: ApiTransportOptions) {
    this.base = options.apiUrl.endsWith('/') ? options.apiUrl : `${options.apiUrl}/`;
    this.token = options.token || undefined;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.fetchImpl = options.fetchImpl ?? fetch;
  }

  async request(method: 'GET' | 'POST', path: string, body?: unknown, extraHeaders: Record<string, string> = {}): Promise<ApiAnswer> {
    const headers: Record<string, string> = { ...extraHeaders, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    const res = await this.fetchImpl(new URL(path.replace(/^\//, ''), this.base), {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const text = await res.text();
    const parsed = parseJson(text);
    if (!res.ok) {
      const { message, code } = describeRefusal(parsed, text, res.statusText);
      throw new RunnerApiError(method, path, res.status, message, code);
    }
    return { status: res.status, body: parsed };
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The API answers `{error, code?, issues?: [{field, reason}]}`; a proxy in between may answer anything. */
function describeRefusal(parsed: unknown, text: string, statusText: string): { message: string; code?: string } {
  const answer = (parsed ?? {}) as { error?: unknown; code?: unknown; issues?: unknown };
  let message = typeof answer.error === 'string' ? answer.error : text.slice(0, SERVER_MESSAGE_MAX_CHARS) || statusText;
  if (Array.isArray(answer.issues) && answer.issues.length > 0) {
    const issues = answer.issues
      .map((i: { field?: unknown; reason?: unknown }) => `${String(i.field)}: ${String(i.reason)}`)
      .join('; ');
    message = `${message} (${issues})`;
  }
  return { message, ...(typeof answer.code === 'string' ? { code: answer.code } : {}) };
}
