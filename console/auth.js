// OpenID Connect sign-in: authorization code with PKCE (S256), against the issuer the API trusts, asking for the
// management API's scope (config.scope): the API takes only access tokens granted it, never the ID token.
// The access token lives in sessionStorage only (this tab, until it closes); never in localStorage, a URL or a log.

const ACCESS_TOKEN = 'registry-tokens.access-token';
const PENDING_SIGN_IN = 'registry-tokens.pending-sign-in';

function base64Url(bytes) {
  return btoa(String.fromCharCode(...new Uint8Array(bytes))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function randomString(byteCount) {
  return base64Url(crypto.getRandomValues(new Uint8Array(byteCount)));
}

async function discover(issuer) {
  const response = await fetch(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`);
  if (!response.ok) throw new Error(`The identity provider's discovery document answered ${response.status}.`);
  return response.json();
}

/** The console's own address: where the identity provider sends the browser back. */
export function redirectUri() {
  return new URL('./', location.href).href;
}

export function accessToken() {
  const stored = JSON.parse(sessionStorage.getItem(ACCESS_TOKEN) ?? 'null');
  return stored && stored.expiresAt > Date.now() ? stored.value : null;
}

/**
 * The signed-in account: the access token's `sub` claim, which the API records as a token's createdBy. Read, not
 * verified: it only decides which controls the page offers; the API checks every call itself.
 */
export function signedInSubject() {
  const token = accessToken();
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(payload), (character) => character.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes)).sub ?? null;
  } catch {
    return null;
  }
}

export function signOut() {
  sessionStorage.removeItem(ACCESS_TOKEN);
}

export async function signIn(config) {
  const { authorization_endpoint: authorize } = await discover(config.issuer);
  const verifier = randomString(32);
  const state = randomString(16);
  const challenge = base64Url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  sessionStorage.setItem(PENDING_SIGN_IN, JSON.stringify({ state, verifier }));
  const url = new URL(authorize);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: config.clientId, redirect_uri: redirectUri(), scope: `openid ${config.scope}`,
    state, code_challenge: challenge, code_challenge_method: 'S256',
  });
  location.assign(url);
}

/**
 * Finishes a sign-in when the identity provider has sent the browser back with a code: exchanges it, once, for the
 * access token and takes the code out of the address bar. Returns false when this page load is no such return.
 */
export async function completeSignIn(config) {
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error')) return false;
  history.replaceState(null, '', redirectUri());
  const pending = JSON.parse(sessionStorage.getItem(PENDING_SIGN_IN) ?? 'null');
  sessionStorage.removeItem(PENDING_SIGN_IN);
  if (params.has('error')) throw new Error(`Sign-in failed: ${params.get('error_description') ?? params.get('error')}.`);
  if (!pending || pending.state !== params.get('state')) throw new Error('Sign-in failed: this answer belongs to no sign-in of this tab.');
  const { token_endpoint: tokenEndpoint } = await discover(config.issuer);
  const response = await fetch(tokenEndpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'authorization_code', code: params.get('code'), redirect_uri: redirectUri(),
      client_id: config.clientId, code_verifier: pending.verifier,
    }),
  });
  const answer = await response.json().catch(() => ({}));
  if (!response.ok || !answer.access_token) {
    throw new Error(`Sign-in failed: ${answer.error_description ?? answer.error ?? `the token endpoint answered ${response.status}`}.`);
  }
  sessionStorage.setItem(ACCESS_TOKEN, JSON.stringify({
    value: answer.access_token, expiresAt: Date.now() + (answer.expires_in ?? 3600) * 1000,
  }));
  return true;
}
