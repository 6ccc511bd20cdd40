#!/usr/bin/env bash
# Checks the deployment files in deploy/: the systemd unit with systemd-analyze (against
# the built binary), the Kubernetes manifests against the Kubernetes API schemas
# (kubernetes-validate, strict), every file parses, and every environment variable they
# set is one ZT-IX reads (documented in .env.example).
#
#   scripts/deploy-check.sh [path/to/zt-ix]
source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
cd "$REPO"

bin="${1:-${CARGO_TARGET_DIR:-$REPO/target}/debug/zt-ix}"
KV_VERSION="1.37.0"
venv="${XDG_CACHE_HOME:-$HOME/.cache}/zt-ix/kubernetes-validate-$KV_VERSION"
if [ ! -x "$venv/bin/kubernetes-validate" ]; then
  say "installing kubernetes-validate $KV_VERSION (PyPI)"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q "kubernetes-validate==$KV_VERSION" pyyaml
fi
command -v systemd-analyze >/dev/null || need_apt systemd

say "systemd unit"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
sed "s|/usr/local/bin/zt-ix|$bin|g" deploy/systemd/zt-ix.service > "$work/zt-ix.service"
out="$(systemd-analyze verify "$work/zt-ix.service" 2>&1 || true)"
# Units it refers to (postgresql.service) need not exist on a build machine.
out="$(grep -v "postgresql.service" <<<"$out" || true)"
[ -z "$out" ] || { echo "$out" >&2; exit 1; }

say "Kubernetes manifests"
"$venv/bin/kubernetes-validate" --strict --quiet deploy/kubernetes/{configmap,web,worker,postgres}.yaml

say "environment variables"
"$venv/bin/python" - <<'PY'
import re, sys, yaml, pathlib
known = set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", pathlib.Path(".env.example").read_text(), re.M))
known |= {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD", "PGDATA", "PATH"}  # the images' own
used = {}
def note(name, where):
    used.setdefault(name, set()).add(where)
for path in pathlib.Path("deploy/kubernetes").glob("*.yaml"):
    for doc in yaml.safe_load_all(path.read_text()):
        if doc and doc.get("kind") == "ConfigMap":
            for key in doc["data"]:
                if re.fullmatch(r"[A-Z][A-Z0-9_]+", key):
                    note(key, str(path))
compose = yaml.safe_load(pathlib.Path("deploy/compose/compose.yaml").read_text())
for svc in compose["services"].values():
    for key in (svc.get("environment") or {}):
        note(key, "compose.yaml")
for line in pathlib.Path("deploy/compose/zt-ix.env.example").read_text().splitlines():
    m = re.match(r"^#?\s*([A-Z][A-Z0-9_]+)=", line)
    if m:
        note(m.group(1), "zt-ix.env.example")
unit = pathlib.Path("deploy/systemd/zt-ix.service").read_text()
for name in re.findall(r"^Environment=([A-Z][A-Z0-9_]+)=", unit, re.M):
    note(name, "zt-ix.service")
for line in pathlib.Path("deploy/Containerfile").read_text().splitlines():
    for name in re.findall(r"\b([A-Z][A-Z0-9_]+)=", line):
        if line.lstrip().startswith(("ENV", "    ")) and not line.lstrip().startswith(("RUN", "ARG")):
            note(name, "Containerfile")
unknown = {n: w for n, w in used.items() if n not in known}
if unknown:
    for n, w in sorted(unknown.items()):
        print(f"{n}: set in {', '.join(sorted(w))} but not a ZT-IX variable (.env.example)", file=sys.stderr)
    sys.exit(1)
print(f"{len(used)} variables, all known")
PY
say "deployment files are consistent"
