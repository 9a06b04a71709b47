// A real OpenID Connect provider for the federated-login tests: node's certified `oidc-provider`
// (package.json), listening on the socket the tests bound for it (its descriptor in OIDC_LISTEN_FD), with a small
// login page of its own where the test picks the person and the assurance level the login is made
// at. Configuration comes as JSON in OIDC_CONFIG: issuer, clients, accounts.
import http from 'node:http';
import { parse } from 'node:querystring';

import Provider from 'oidc-provider';

const config = JSON.parse(process.env.OIDC_CONFIG);
const LOA = 'http://id.elegnamnden.se/loa/1.0/';

const provider = new Provider(config.issuer, {
  clients: config.clients,
  acrValues: [`${LOA}loa2`, `${LOA}loa3`],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['given_name', 'family_name', 'name', 'preferred_username', 'groups'],
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: {
      enabled: true,
      // Pages of its own, fetching nothing from elsewhere (the default ones load web fonts).
      logoutSource: async (ctx, form) => {
        ctx.body = `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Logga ut</title></head>
<body><main><h1>Logga ut från Testkommunens inloggning</h1>${form}
<button form="op.logoutForm" type="submit" name="logout" value="yes">Logga ut</button></main></body></html>`;
      },
      postLogoutSuccessSource: async (ctx) => {
        ctx.body = '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Utloggad</title></head><body><main><h1>Utloggad</h1></main></body></html>';
      },
    },
  },
  cookies: { keys: ['test-identity-provider-only'] },
  pkce: { required: () => true },
  findAccount: async (ctx, id) => (config.accounts[id] ? {
    accountId: id,
    claims: async () => ({ sub: id, email_verified: true, ...config.accounts[id] }),
  } : undefined),
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  loadExistingGrant: async (ctx) => {
    // The organisation's own service: no consent page, the grant covers what was asked for.
    const grantId = ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    const grant = new ctx.oidc.provider.Grant({ clientId: ctx.oidc.client.clientId, accountId: ctx.oidc.session.accountId });
    grant.addOIDCScope('openid email profile');
    await grant.save();
    return grant;
  },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!DOCTYPE html><html lang="en"><head><title>Error</title></head><body><main><h1>${out.error}</h1><p>${out.error_description || ''}</p></main></body></html>`;
  },
});

const escape = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid) {
  const people = Object.keys(config.accounts).map((id) => `<option value="${escape(id)}">${escape(id)}</option>`).join('');
  return `<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"><title>Testkommunens inloggning</title></head>
<body><main><h1>Testkommunens inloggning (OIDC)</h1>
<form method="post" action="/interaction/${escape(uid)}/login">
<label for="person">Person</label> <select id="person" name="person">${people}</select>
<label for="level">Tillitsnivå</label> <select id="level" name="level">
<option value="${LOA}loa3">Tillitsnivå 3</option><option value="${LOA}loa2">Tillitsnivå 2</option></select>
<button type="submit">Logga in</button></form></main></body></html>`;
}

const callback = provider.callback();
const server = http.createServer(async (req, res) => {
  const match = req.url.match(/^\/interaction\/([^/?]+)(\/login)?/);
  if (!match) return callback(req, res);
  try {
    const details = await provider.interactionDetails(req, res);
    if (req.method === 'GET' && !match[2]) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      return res.end(loginPage(details.uid));
    }
    let body = '';
    for await (const chunk of req) body += chunk;
    const form = parse(body);
    return provider.interactionFinished(req, res, {
      login: { accountId: form.person, acr: form.level, amr: ['pwd', 'otp'] },
    }, { mergeWithLastSubmission: false });
  } catch (error) {
    res.writeHead(400, { 'Content-Type': 'text/plain' });
    return res.end(String(error));
  }
});
server.listen({ fd: Number(process.env.OIDC_LISTEN_FD) }, () => process.stdout.write('ready\n'));
