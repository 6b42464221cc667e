// A real OpenID Provider (the npm package oidc-provider) on loopback for the single sign-on
// tests, started by tests/oidc_server.py. Its own development log-in and consent pages are the
// provider's pages the browser goes through: any log-in name is accepted and becomes the
// subject. Configuration comes as JSON in OIDC_TEST_CONFIG:
//   client_id, client_secret, redirect_uris: the tracker as a client;
//   accounts: {login: {email, email_verified, name}}; a name not listed is its own email.
// It prints "listening <port>" once it answers.
import { generateKeyPairSync } from "node:crypto";
import http from "node:http";

import Provider from "oidc-provider";

const config = JSON.parse(process.env.OIDC_TEST_CONFIG);

function privateJwk() {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  return { ...privateKey.export({ format: "jwk" }), kid: Math.random().toString(36).slice(2), use: "sig", alg: "RS256" };
}

const signingKey = privateJwk();

const server = http.createServer();
server.listen(0, "127.0.0.1", () => {
  const { port } = server.address();
  const provider = new Provider(`http://127.0.0.1:${port}`, {
    clients: [
      {
        client_id: config.client_id,
        client_secret: config.client_secret,
        redirect_uris: config.redirect_uris,
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    jwks: { keys: [signingKey] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    features: { devInteractions: { enabled: true } },
    async findAccount(ctx, id) {
      const known = config.accounts[id] ?? { email: id, email_verified: true, name: id };
      return { accountId: id, async claims() { return { sub: id, ...known }; } };
    },
  });
  server.on("request", provider.callback());
  console.log(`listening ${port}`);
});
