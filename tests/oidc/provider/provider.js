// A real OpenID Connect provider for PLC's tests: the certified `oidc-provider` package,
// with a tiny sign-in page of our own in place of its development one.
//
//   node provider.js CONFIG.json
//
// CONFIG: {"port": 4101, "issuer": "http://127.0.0.1:4101",
//          "jwks": {"keys": [<private JWK>]},
//          "clients": [{"client_id": ..., "client_secret": ..., "redirect_uris": [...]}],
//          "accounts": [{"login": "a@district-a.test", "sub": "...", "email": "...",
//                        "email_verified": true, "name": "..."}]}
//
// The sign-in page (GET /interaction/<uid>) asks for a login (the e-mail, filled in from the
// client's login_hint) with two buttons: "Sign in" (POST .../login) and "Cancel"
// (POST .../abort, which answers the client with error=access_denied). Consent is granted at
// once. An unknown login is refused on the page, as a real district would.
import http from 'node:http';
import fs from 'node:fs';
import { Provider } from 'oidc-provider';

const config = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const byLogin = new Map(config.accounts.map((a) => [a.login.toLowerCase(), a]));
const bySub = new Map(config.accounts.map((a) => [a.sub, a]));
// Who signed in last under each subject: two logins may share a subject (the same person,
// whose address the district has changed since), and the claims follow the login used.
const current = new Map();

const provider = new Provider(config.issuer, {
  clients: config.clients.map((c) => ({
    response_types: ['code'],
    grant_types: ['authorization_code'],
    token_endpoint_auth_method: 'client_secret_basic',
    ...c,
  })),
  jwks: config.jwks,
  cookies: { keys: ['plc-test-provider-cookie-key'] },
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  // The e-mail in the ID token itself (as Google and Entra ID put it there), not only at
  // the userinfo endpoint.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: false } },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  async findAccount(ctx, sub) {
    const account = current.get(sub) || bySub.get(sub);
    if (!account) return undefined;
    return {
      accountId: sub,
      async claims() {
        return { sub, email: account.email, email_verified: account.email_verified,
                 name: account.name };
      },
    };
  },
});
provider.proxy = false;

function escape(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function page(res, uid, hint, error) {
  res.writeHead(error ? 400 : 200, { 'content-type': 'text/html; charset=utf-8' });
  res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>District sign-in (${escape(config.issuer)})</title></head><body><main>
<h1>District sign-in</h1>
${error ? `<p role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/interaction/${uid}/login">
<label for="login">District e-mail</label>
<input id="login" name="login" type="email" value="${escape(hint || '')}">
<button type="submit">Sign in</button></form>
<form method="post" action="/interaction/${uid}/abort"><button type="submit">Cancel</button></form>
</main></body></html>`);
}

async function body(req) {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

async function interaction(req, res) {
  const [, , uid, action] = req.url.split('?')[0].split('/');
  const details = await provider.interactionDetails(req, res);
  if (details.uid !== uid) throw new Error('interaction mismatch');
  if (req.method === 'GET') {
    return page(res, uid, details.params.login_hint);
  }
  if (action === 'abort') {
    return provider.interactionFinished(req, res, {
      error: 'access_denied', error_description: 'The sign-in was cancelled.',
    }, { mergeWithLastSubmission: false });
  }
  const form = await body(req);
  const account = byLogin.get((form.get('login') || '').toLowerCase());
  if (!account) return page(res, uid, form.get('login'), 'No such account in this district.');
  current.set(account.sub, account);
  const grant = new provider.Grant({ accountId: account.sub, clientId: details.params.client_id });
  grant.addOIDCScope(details.params.scope);
  const grantId = await grant.save();
  return provider.interactionFinished(req, res, {
    login: { accountId: account.sub }, consent: { grantId },
  }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.url === '/favicon.ico') {
    res.writeHead(204);
    res.end();
  } else if (req.url.startsWith('/interaction/')) {
    interaction(req, res).catch((err) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(err));
    });
  } else {
    callback(req, res);
  }
});
server.listen(config.port, '127.0.0.1', () => {
  process.stdout.write(`listening ${config.issuer}\n`);
});
