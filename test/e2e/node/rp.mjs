// SPDX-License-Identifier: Apache-2.0
// A standard OIDC relying party (openid-client, which we did not write) against
// gatehouse. Driven step by step by test/e2e/test_oidc_op.py, with its state
// (PKCE verifier, state, nonce) in a JSON file between steps:
//
//   node rp.mjs discover ISSUER CLIENT_ID SECRET            → server metadata
//   node rp.mjs start STATE ISSUER CLIENT_ID SECRET REDIRECT → authorization URL
//   node rp.mjs finish STATE CALLBACK_URL                   → what the app gets
//
// finish runs the whole client side: code exchange with PKCE, ID token
// validation (signature against the JWKS, iss, aud, exp, iat, nonce, state,
// RFC 9207 iss), userinfo, refresh, refresh-token reuse, revocation.
import { readFileSync, writeFileSync } from 'node:fs';
import * as client from 'openid-client';

const [cmd, ...args] = process.argv.slice(2);

async function configure(issuer, clientId, secret) {
  return client.discovery(new URL(issuer), clientId, secret, client.ClientSecretBasic(secret), {
    execute: [client.allowInsecureRequests], // the test server listens on http://127.0.0.1
  });
}

async function outcome(promise) {
  try {
    return { ok: true, value: await promise };
  } catch (e) {
    return { ok: false, error: e.error || e.code || e.name, message: e.message };
  }
}

if (cmd === 'discover') {
  const config = await configure(args[0], args[1], args[2]);
  console.log(JSON.stringify(config.serverMetadata()));
} else if (cmd === 'start') {
  const [stateFile, issuer, clientId, secret, redirect] = args;
  const config = await configure(issuer, clientId, secret);
  const verifier = client.randomPKCECodeVerifier();
  const st = { issuer, clientId, secret, redirect, verifier,
               state: client.randomState(), nonce: client.randomNonce() };
  writeFileSync(stateFile, JSON.stringify(st));
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirect, scope: 'openid email profile',
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256', state: st.state, nonce: st.nonce,
  });
  console.log(url.href);
} else if (cmd === 'finish') {
  const st = JSON.parse(readFileSync(args[0], 'utf8'));
  const config = await configure(st.issuer, st.clientId, st.secret);
  const tokens = await client.authorizationCodeGrant(config, new URL(args[1]), {
    pkceCodeVerifier: st.verifier, expectedState: st.state, expectedNonce: st.nonce,
    idTokenExpected: true,
  });
  const claims = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, claims.sub);
  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const refreshedClaims = refreshed.claims();
  // the first refresh token again: gatehouse must refuse it and end the session
  const reuse = await outcome(client.refreshTokenGrant(config, tokens.refresh_token));
  const afterReuse = await outcome(client.fetchUserInfo(config, refreshed.access_token, claims.sub));
  console.log(JSON.stringify({
    id_token: tokens.id_token, claims, userinfo, scope: tokens.scope,
    refreshed_claims: refreshedClaims,
    refresh_rotated: refreshed.refresh_token !== tokens.refresh_token,
    reuse, after_reuse: afterReuse,
    end_session_endpoint: config.serverMetadata().end_session_endpoint,
  }));
} else if (cmd === 'revoke') {
  // node rp.mjs revoke STATE CALLBACK_URL: a second sign-in, then RFC 7009 revocation
  const st = JSON.parse(readFileSync(args[0], 'utf8'));
  const config = await configure(st.issuer, st.clientId, st.secret);
  const tokens = await client.authorizationCodeGrant(config, new URL(args[1]), {
    pkceCodeVerifier: st.verifier, expectedState: st.state, expectedNonce: st.nonce,
  });
  const before = await outcome(client.fetchUserInfo(config, tokens.access_token, tokens.claims().sub));
  await client.tokenRevocation(config, tokens.refresh_token);
  const after = await outcome(client.fetchUserInfo(config, tokens.access_token, tokens.claims().sub));
  const refresh = await outcome(client.refreshTokenGrant(config, tokens.refresh_token));
  const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token, state: 'bye-1' });
  console.log(JSON.stringify({ before: before.ok, after, refresh, logout: logout.href }));
} else {
  console.error('usage: node rp.mjs discover|start|finish|revoke ...');
  process.exit(2);
}
