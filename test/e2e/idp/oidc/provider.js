// SPDX-License-Identifier: Apache-2.0
//
// A real OpenID Provider (npm oidc-provider) for gatehouse's end-to-end tests
// of sign-in through OIDC and EASIE connections. It listens on 127.0.0.1 only.
//
//   node provider.js CONFIG.json
//
// CONFIG: {"port": 41234, "issuer": "http://127.0.0.1:41234[/path]",
//          "account": {"sub": "...", "email": "...", ...claims},
//          "clients": [{"client_id", "client_secret", "redirect_uris"}]  (optional)}
// The issuer's path (if any) is where the provider is mounted, so a
// Microsoft-like tenant issuer "http://127.0.0.1:P/TENANT/v2.0" works.
//
// Signing keys (RS256 and ES256) are new at every start, so restarting on the
// same port is a key rotation. Clients come from CONFIG or register themselves
// (RFC 7591) at {issuer}/reg. Interactions are
// non-interactive: the login prompt signs in the current test account and
// consent is granted for whatever the client asked. Test controls (outside
// the provider's own routes):
//   POST /_test/account   {claims}  the account the next login signs in as
//   GET  /_test/health
// Prints "ready <issuer>" on stdout once listening.

import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

import Provider from 'oidc-provider';

const config = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const issuer = new URL(config.issuer);
const mount = issuer.pathname.replace(/\/$/, '');
let current = config.account;
const accounts = new Map([[current.sub, current]]);

function signingKeys() {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const id = randomBytes(6).toString('hex');
  return [{ ...rsa, kid: `rsa-${id}`, alg: 'RS256', use: 'sig' },
          { ...ec, kid: `ec-${id}`, alg: 'ES256', use: 'sig' }];
}

const customClaims = ['name', 'given_name', 'family_name', 'department', 'groups', 'hd', 'tid', 'xms_edov'];

const provider = new Provider(config.issuer, {
  clients: config.clients || [],
  jwks: { keys: signingKeys() },
  cookies: { keys: [randomBytes(32).toString('hex')] },
  // The ID token carries the claims (not only userinfo): what gatehouse reads.
  conformIdTokenClaims: false,
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: customClaims,
  },
  features: {
    devInteractions: { enabled: false },
    registration: { enabled: true },
  },
  async findAccount(ctx, id) {
    const claims = accounts.get(id);
    if (!claims) return undefined;
    return { accountId: id, async claims() { return { ...claims, sub: id }; } };
  },
  interactions: { url: (ctx, interaction) => `${mount}/interaction/${interaction.uid}` },
  async renderError(ctx, out) {
    ctx.type = 'application/json';
    ctx.body = out;
  },
});
provider.proxy = false;

// Non-interactive login and consent.
async function interact(req, res) {
  const details = await provider.interactionDetails(req, res);
  const { prompt } = details;
  if (prompt.name === 'login') {
    await provider.interactionFinished(req, res, { login: { accountId: current.sub } },
      { mergeWithLastSubmission: false });
    return;
  }
  const grant = details.grantId
    ? await provider.Grant.find(details.grantId)
    : new provider.Grant({ accountId: details.session.accountId, clientId: details.params.client_id });
  if (prompt.details.missingOIDCScope) grant.addOIDCScope(prompt.details.missingOIDCScope.join(' '));
  if (prompt.details.missingOIDCClaims) grant.addOIDCClaims(prompt.details.missingOIDCClaims);
  const grantId = await grant.save();
  await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
}

function readJson(req) {
  return new Promise((resolve, reject) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => { try { resolve(JSON.parse(body)); } catch (e) { reject(e); } });
  });
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  try {
    if (req.url === '/_test/health') {
      res.end('ok');
    } else if (req.method === 'POST' && req.url === '/_test/account') {
      current = await readJson(req);
      accounts.set(current.sub, current);
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(current));
    } else if (req.url.startsWith(`${mount}/interaction/`)) {
      await interact(req, res);
    } else if (mount && req.url.startsWith(`${mount}/`)) {
      req.originalUrl = req.url;
      req.url = req.url.slice(mount.length);
      callback(req, res);
    } else if (!mount) {
      callback(req, res);
    } else {
      res.statusCode = 404;
      res.end('not found');
    }
  } catch (err) {
    res.statusCode = 500;
    res.end(String(err));
  }
});

server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`ready ${config.issuer}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
