// The one way the dashboard talks HTTP to hopwatch: every response is parsed with its schema from
// @hopwatch/shared/protocol, so a server that changed shape fails loudly here instead of drawing nonsense.
import { apiErrorSchema } from '@hopwatch/shared/protocol';

/** What the client needs of a protocol schema (zod's safeParse), without depending on zod itself. */
export interface ResponseSchema<T> {
  safeParse(
    value: unknown,
  ):
    | { success: true; data: T }
    | { success: false; error: { issues: readonly { path: readonly PropertyKey[]; message: string }[] } };
}

export type QueryParams = Record<string, string | number | undefined>;

/** An API answer the dashboard cannot use: an error the server sent, or a body of the wrong shape. */
export class ApiClientError extends Error {
  /** the server's error code (`unknown_target`, `bad_query`, ...) or `bad_response` / `network` */
  readonly code: string;
  readonly status: number | null;

  constructor(code: string, message: string, status: number | null) {
    super(message);
    this.name = 'ApiClientError';
    this.code = code;
    this.status = status;
  }
}

export function apiUrl(path: string, params: QueryParams = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined) query.set(key, String(value));
  }
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

export async function apiGet<T>(
  path: string,
  params: QueryParams,
  schema: ResponseSchema<T>,
  signal?: AbortSignal,
): Promise<T> {
  return request(apiUrl(path, params), { method: 'GET', signal: signal ?? null }, schema);
}

export async function apiPost<T>(path: string, body: unknown, schema: ResponseSchema<T>): Promise<T> {
  return request(
    path,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) },
    schema,
  );
}

async function request<T>(url: string, init: RequestInit, schema: ResponseSchema<T>): Promise<T> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, credentials: 'same-origin' });
  } catch (error) {
    if (error instanceof DOMException && error.name === 'AbortError') throw error;
    throw new ApiClientError('network', `${url}: the server did not answer`, null);
  }
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    if (response.status === 401) redirectToLogin();
    const apiError = apiErrorSchema.safeParse(body);
    throw apiError.success
      ? new ApiClientError(apiError.data.error, apiError.data.message, response.status)
      : new ApiClientError('http', `${url}: HTTP ${response.status}`, response.status);
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue
      ? `${issue.path.map(String).join('.') || '(root)'}: ${issue.message}`
      : 'unexpected shape';
    throw new ApiClientError('bad_response', `${url}: ${where}`, response.status);
  }
  return parsed.data;
}

/**
 * With `authToken` set, the server's own login page sets the cookie every later request carries; `next`
 * brings the browser back to this page (the wall stays the wall).
 */
function redirectToLogin(): void {
  const { pathname, search } = window.location;
  if (pathname === '/login') return;
  const next = `${pathname}${search}`;
  window.location.assign(next === '/' ? '/login' : `/login?${new URLSearchParams({ next }).toString()}`);
}
