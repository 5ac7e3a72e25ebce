import { ApiTransport, type ApiTransportOptions } from '@smart-reap/runner';

/** What reads an answer: a zod schema of @smart-reap/shared. */
export interface AnswerSchema<T> {
  parse(value: unknown): T;
}

/** The answer of a call as the API sent it (`raw`, printed by --json) and as this CLI reads it (`parsed`). */
export interface Read<T> {
  raw: unknown;
  parsed: T;
}

/**
 * The operator routes of the HTTP API for the CLI. Each answer is parsed with the schema the API
 * documents for it (the same zod schema its OpenAPI document is built from), so a server this CLI
 * cannot read says so instead of printing half a table. Refusals throw RunnerApiError.
 */
export class OperatorApi {
  private readonly http: ApiTransport;

  constructor(options: ApiTransportOptions) {
    this.http = new ApiTransport(options);
  }

  async get<T>(path: string, query: Record<string, string | number | boolean | undefined>, schema: AnswerSchema<T>): Promise<Read<T>> {
    const params = new URLSearchParams();
    for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
    const qs = params.toString();
    const answer = await this.http.request('GET', qs ? `${path}?${qs}` : path);
    return { raw: answer.body, parsed: schema.parse(answer.body) };
  }

  async post<T>(path: string, body: unknown, schema: AnswerSchema<T>): Promise<Read<T>> {
    const answer = await this.http.request('POST', path, body);
    return { raw: answer.body, parsed: schema.parse(answer.body) };
  }
}
