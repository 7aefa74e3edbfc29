// The public HTTP API of registry-tokens; every error becomes an ApiError with the API's code, message and field.

export class ApiError extends Error {
  constructor(status, code, message, field) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field;
  }
}

export function createApi(baseUrl, bearer) {
  async function request(method, path, { body, version } = {}) {
    const headers = { Authorization: `Bearer ${bearer()}` };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (version !== undefined) headers['If-Match'] = `"${version}"`;
    let response;
    try {
      response = await fetch(baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch {
      throw new ApiError(0, 'network', 'The API cannot be reached. Check your connection and try again.', null);
    }
    const answer = response.status === 204 ? null : await response.json().catch(() => null);
    if (!response.ok) {
      const error = answer?.error ?? {};
      throw new ApiError(response.status, error.code ?? 'http_' + response.status,
        error.message ?? answer?.message ?? `The API answered ${response.status}.`, error.field ?? null);
    }
    return answer;
  }

  return {
    /** The caller's namespaces and their role in each: {items: [{namespace, role}]}. */
    namespaces: () => request('GET', '/namespaces'),
    /** One page of a namespace's audit log, newest first; one token's records with `tokenId`: {items, nextCursor}. */
    audit: (namespace, { cursor, tokenId } = {}) => {
      const query = new URLSearchParams({ limit: '20' });
      if (cursor) query.set('cursor', cursor);
      if (tokenId) query.set('tokenId', tokenId);
      return request('GET', `/namespaces/${encodeURIComponent(namespace)}/audit?${query}`);
    },
    /** The token calls of one namespace, under /namespaces/{namespace}/tokens. */
    tokensOf(namespace) {
      const tokens = `/namespaces/${encodeURIComponent(namespace)}/tokens`;
      const tokenPath = (id, action = '') => `${tokens}/${encodeURIComponent(id)}${action}`;
      return {
        list: (cursor) => request('GET', `${tokens}?limit=20${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`),
        create: (fields) => request('POST', tokens, { body: fields }),
        update: (token, fields) => request('PATCH', tokenPath(token.id), { body: fields, version: token.version }),
        /** With a grace (seconds), the old secret keeps logging in that long; without, it stops at once. */
        reset: (token, graceSeconds = 0) => request('POST', tokenPath(token.id, '/reset'),
          graceSeconds > 0 ? { body: { graceSeconds }, version: token.version } : { version: token.version }),
        disable: (token) => request('POST', tokenPath(token.id, '/disable'), { version: token.version }),
        enable: (token) => request('POST', tokenPath(token.id, '/enable'), { version: token.version }),
        remove: (token) => request('DELETE', tokenPath(token.id), { version: token.version }),
      };
    },
    /** The namespace's policy (owners only), under /namespaces/{namespace}/policy; put sends the version read (If-Match). */
    policyOf(namespace) {
      const path = `/namespaces/${encodeURIComponent(namespace)}/policy`;
      return {
        get: () => request('GET', path),
        put: (fields, version) => request('PUT', path, { body: fields, version: version > 0 ? version : undefined }),
      };
    },
  };
}
