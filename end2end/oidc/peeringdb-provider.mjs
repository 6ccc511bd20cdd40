// A real, certified OpenID provider (npm oidc-provider) configured like PeeringDB's:
// RS256 ID tokens, scopes `openid profile email networks`, client_secret_post, the
// endpoint paths of auth.peeringdb.com, and a `/profile/v1` endpoint with networks;
// also PeeringDB's `/api/net` records for the route-server policy.
//
// The built-in development login form accepts any user id; id "3" is Jane Doe below.
import { generateKeyPairSync } from "node:crypto";
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT ?? 3390);
const appOrigin = process.env.APP_ORIGIN ?? "http://127.0.0.1:3300";
const base = `http://127.0.0.1:${port}`;
const issuer = `${base}/oauth2`;

// PeeringDB's perms: read = 1, update = 2, create = 4, delete = 8.
const people = {
  3: {
    id: 3,
    given_name: "Jane",
    family_name: "Doe",
    name: "Jane Doe",
    verified_user: true,
    email: "jane@example.net",
    verified_email: true,
    networks: [
      { id: 20, name: "Example Net", asn: 64500, perms: 15, manage_peering_sessions: 15 },
      { id: 7890, name: "Create Only Net", asn: 64502, perms: 4, manage_peering_sessions: 4 },
    ],
  },
};

const person = (id) => people[id] ?? { id: Number(id) || 0, name: `User ${id}`, verified_user: false, networks: [] };

const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const jwk = { ...privateKey.export({ format: "jwk" }), kid: "e2e-key", alg: "RS256", use: "sig" };

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: "zt-ix-e2e",
      client_secret: "zt-ix-e2e-secret",
      redirect_uris: [`${appOrigin}/auth/callback`],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_post",
      id_token_signed_response_alg: "RS256",
    },
  ],
  jwks: { keys: [jwk] },
  cookies: { keys: ["zt-ix-e2e-cookie-key"] },
  scopes: ["openid", "profile", "email", "networks"],
  claims: {
    openid: ["sub"],
    profile: ["id", "name", "given_name", "family_name", "verified_user"],
    email: ["email", "email_verified"],
    networks: ["networks"],
  },
  pkce: { required: () => true },
  routes: {
    authorization: "/oauth2/authorize/",
    token: "/oauth2/token/",
    jwks: "/oauth2/.well-known/jwks.json",
    userinfo: "/oauth2/userinfo/",
  },
  async findAccount(ctx, sub) {
    const p = person(sub);
    return {
      accountId: String(sub),
      async claims() {
        const { networks, verified_email, ...rest } = p;
        return {
          sub: String(sub),
          ...rest,
          email_verified: verified_email ?? null,
          networks: networks.map(({ manage_peering_sessions, ...n }) => n),
        };
      },
    };
  },
});

// PeeringDB's profile endpoint: the access token's user, keys per granted scope.
provider.use(async (ctx, next) => {
  if (ctx.path !== "/profile/v1") return next();
  const bearer = (ctx.get("authorization") || "").replace(/^Bearer /, "");
  const token = bearer ? await provider.AccessToken.find(bearer) : undefined;
  const scopes = new Set((token?.scope ?? "").split(" "));
  if (!token || !scopes.has("profile")) {
    ctx.status = 403;
    ctx.body = "";
    return;
  }
  const p = person(token.accountId);
  const body = { id: p.id, given_name: p.given_name, family_name: p.family_name, name: p.name, verified_user: p.verified_user };
  if (scopes.has("email")) Object.assign(body, { email: p.email, verified_email: p.verified_email });
  if (scopes.has("networks")) body.networks = p.networks;
  ctx.type = "application/json";
  ctx.body = JSON.stringify(body);
});

// PeeringDB's REST API (www.peeringdb.com/api), the `net` records the route-server
// policy reads: `{"data": [...], "meta": {}}`, `asn__in` lists, unknown ASNs absent.
const nets = {
  64500: { id: 20, asn: 64500, name: "Example Net", irr_as_set: "RIPE::AS-EXAMPLE", info_prefixes4: 250, info_prefixes6: 100,
           info_never_via_route_servers: true },
};
provider.use(async (ctx, next) => {
  if (ctx.path !== "/api/net") return next();
  const asns = String(ctx.query.asn__in ?? "").split(",").filter(Boolean).map(Number);
  ctx.type = "application/json";
  ctx.body = JSON.stringify({ data: asns.map((a) => nets[a]).filter(Boolean), meta: {} });
});

provider.listen(port, "127.0.0.1", () => {
  console.log(`PeeringDB-like OpenID provider at ${issuer}`);
});
