# Installs one ZT-IX peer file on a BIRD route server and applies it:
# write (atomically), `birdc configure check`, `birdc configure timeout N`,
# `birdc configure confirm`. Any failure puts back what was there before and
# reconfigures. Arguments: <config dir> <file name> <timeout seconds>; the file itself is
# embedded below (base64) by ZT-IX before the script is sent.
set -u
dir=$1 name=$2 timeout=$3
file="$dir/$name" tmp="$dir/.$name.new" before="$dir/.$name.before"
step() { printf 'step: %s\n' "$1"; }

restore() {
  if [ -f "$before" ]; then mv -f "$before" "$file"; else rm -f "$file"; fi
  rm -f "$tmp"
  birdc configure >/dev/null 2>&1 || true
}

step write
base64 -d > "$tmp" <<'ZTIX_PEER_FILE' || { rm -f "$tmp"; echo "cannot write $tmp"; exit 13; }
__ZTIX_PEER_FILE__
ZTIX_PEER_FILE
if [ -f "$file" ] && cmp -s "$tmp" "$file"; then unchanged=1; else unchanged=0; fi
rm -f "$before"
if [ -f "$file" ]; then cp -p "$file" "$before" || exit 13; fi
mv -f "$tmp" "$file" || { restore; exit 13; }

step check
out=$(birdc configure check 2>&1); rc=$?
echo "$out"
if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q 'Configuration OK'; then restore; exit 10; fi

step configure
out=$(birdc configure timeout "$timeout" 2>&1); rc=$?
echo "$out"
if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -Eq 'Reconfigured|Reconfiguration in progress|Reconfiguration already in progress'; then restore; exit 11; fi

step confirm
out=$(birdc configure confirm 2>&1); rc=$?
echo "$out"
if [ $rc -ne 0 ] || ! printf '%s' "$out" | grep -q 'Reconfiguration confirmed'; then restore; exit 12; fi

rm -f "$before"
[ "$unchanged" = 1 ] && echo "unchanged"
echo "applied"
