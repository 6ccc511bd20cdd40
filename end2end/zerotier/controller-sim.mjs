// A ZeroTier One service API with the embedded network controller, for the browser
// tests: `X-ZT1-Auth`, `/status` (node address), `/controller`, networks upserted by
// POST, members created by POST (404 for an unknown network), partial updates, members
// deleted by DELETE (the deleted member answered; 404 when unknown), `GET /peer` (the
// authorized members as peers on a direct path), `{}` on 401 — as
// described in ../../shared/reference of the project.
import http from "node:http";

const port = Number(process.env.ZT_SIM_PORT ?? 3391);
const token = process.env.ZT_SIM_TOKEN ?? "zt-e2e-token";
const address = "1122334455";
const networks = new Map();
const members = new Map();

const json = (res, status, body) => {
  res.writeHead(status, { "content-type": "application/json" });
  res.end(body === undefined ? "" : JSON.stringify(body));
};

const merge = (stored, patch, keys) => {
  let changed = false;
  for (const key of keys) {
    if (key in patch && JSON.stringify(stored[key]) !== JSON.stringify(patch[key])) {
      stored[key] = patch[key];
      changed = true;
    }
  }
  if (changed) stored.revision += 1;
  return stored;
};

http
  .createServer((req, res) => {
    let raw = "";
    req.on("data", (chunk) => (raw += chunk));
    req.on("end", () => {
      if (req.headers["x-zt1-auth"] !== token) return json(res, 401, {});
      const path = new URL(req.url, "http://x").pathname;
      const write = req.method === "POST" || req.method === "PUT";
      let body = {};
      if (write) {
        try {
          body = JSON.parse(raw);
        } catch {
          return json(res, 500, { error: 500, description: "parse error" });
        }
      }
      if (path === "/status") return json(res, 200, { address, online: true, version: "1.14.1" });
      if (path === "/controller") return json(res, 200, { controller: true, apiVersion: 4, databaseReady: true });
      // The controller node's peers: every authorized member, reached over a direct path.
      if (path === "/peer") {
        const now = Date.now();
        const peers = [...members.values()].filter((m) => m.authorized).map((m) => ({
          address: m.address, isBonded: false, latency: 18, role: "LEAF", tunneled: false,
          version: "1.14.2", versionMajor: 1, versionMinor: 14, versionRev: 2,
          paths: [{ active: true, address: "198.51.100.7/9993", expired: false, lastReceive: now, lastSend: now,
            localSocket: 1, preferred: true, trustedPathId: 0 }],
        }));
        return json(res, 200, peers);
      }
      let m = path.match(/^\/controller\/network\/([0-9a-f]{16})$/);
      if (m) {
        const id = m[1];
        if (write) {
          const stored = networks.get(id) ?? { id, nwid: id, name: "", private: true, routes: [], revision: 0,
            rules: [{ not: false, or: false, type: "ACTION_ACCEPT" }],
            v4AssignMode: { zt: false }, v6AssignMode: { zt: false, rfc4193: false, "6plane": false } };
          // rules come back re-rendered: actions without not/or, matches with both
          if (Array.isArray(body.rules)) {
            body.rules = body.rules.map((r) =>
              r.type?.startsWith("ACTION_") ? Object.fromEntries(Object.entries(r).filter(([k]) => k !== "not" && k !== "or"))
                : { ...r, not: !!r.not, or: !!r.or });
          }
          networks.set(id, merge(stored, body, ["name", "private", "routes", "v4AssignMode", "v6AssignMode", "rules"]));
          return json(res, 200, networks.get(id));
        }
        return networks.has(id) ? json(res, 200, networks.get(id)) : json(res, 404);
      }
      m = path.match(/^\/controller\/network\/([0-9a-f]{16})\/member\/([0-9a-f]{10})$/);
      if (m) {
        const [, nwid, node] = m;
        if (!networks.has(nwid)) return json(res, 404);
        const key = `${nwid}-${node}`;
        if (write) {
          const stored = members.get(key) ?? { id: node, address: node, nwid, authorized: false, ipAssignments: [],
            noAutoAssignIps: false, revision: 0, lastAuthorizedCredentialType: null };
          if (body.authorized === true && !stored.authorized) stored.lastAuthorizedCredentialType = "api";
          members.set(key, merge(stored, body, ["authorized", "ipAssignments", "noAutoAssignIps", "name"]));
          return json(res, 200, members.get(key));
        }
        if (req.method === "DELETE") {
          const stored = members.get(key);
          if (!stored) return json(res, 404);
          members.delete(key);
          return json(res, 200, stored);
        }
        return members.has(key) ? json(res, 200, members.get(key)) : json(res, 404);
      }
      return json(res, 404);
    });
  })
  .listen(port, "127.0.0.1", () => console.log(`ZeroTier controller simulator on ${port}`));
