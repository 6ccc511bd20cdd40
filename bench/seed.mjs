// Files join requests through the JSON API, as a member would, to give the benchmark its
// data: node seed.mjs BASE USER PASSWORD ASN NETWORK COUNT [FIRST_NODE]
// Prints the session cookie of USER (for the load runs) on stdout.
const [base, user, password, asn, network, count, firstNode = "1000000000"] = process.argv.slice(2);
const total = Number(count);

const login = await fetch(`${base}/api/v1/auth/local/login`, {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ username: user, password }),
});
if (!login.ok) throw new Error(`login of ${user}: ${login.status} ${await login.text()}`);
const cookie = login.headers.getSetCookie().map((c) => c.split(";")[0]).find((c) => c.startsWith("zt_ix_session="));
if (!cookie) throw new Error(`login of ${user} set no session cookie`);

let next = 0;
const start = BigInt(`0x${firstNode}`);
async function worker() {
  while (next < total) {
    const i = next++;
    const node = (start + BigInt(i)).toString(16).padStart(10, "0");
    const res = await fetch(`${base}/api/v1/requests`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie },
      body: JSON.stringify({ asn: Number(asn), zt_network_id: network, node_id: node }),
    });
    if (res.status !== 201) throw new Error(`request ${i}: ${res.status} ${await res.text()}`);
  }
}
await Promise.all(Array.from({ length: Math.min(16, total) }, worker));
process.stdout.write(cookie);
