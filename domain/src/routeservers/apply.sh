# Installs (or removes) one ZT-IX peer file on a BIRD route server and applies it:
# write atomically (or remove), `birdc configure check`, `birdc configure timeout N`,
# `birdc configure confirm`. Any failure puts back what was there before and
# reconfigures. Arguments: <config dir> <file name> <timeout seconds> <lock wait seconds>
# <write|remove>; the file itself is embedded below (base64) by ZT-IX before the script
# is sent (empty for a removal).
#
# `configure timeout/confirm/undo` act on the whole daemon, so one change at a time may
# be between write and confirm: the script holds an exclusive lock on
# <config dir>/.ztix.lock from before the write until after the confirm (or the
# rollback). A run that is interrupted (signal, lost connection) restores the previous
# file; one that was killed outright leaves a journal that the next run replays first.
set -u
dir=$1 name=$2 timeout=$3 lock_wait=$4 mode=${5:-write}
file="$dir/$name" tmp="$dir/.$name.new" before="$dir/.$name.before" absent="$dir/.$name.absent"
step() { printf 'step: %s\n' "$1"; }

# Puts back what was there before this change (the journal says what) and reconfigures.
restore() {
  if [ -f "$before" ]; then mv -f "$before" "$file"; elif [ -f "$absent" ]; then rm -f "$file"; fi
  rm -f "$tmp" "$absent"
  birdc configure >/dev/null 2>&1 || true
}

step lock
command exec 9>>"$dir/.ztix.lock" || { echo "cannot open the lock file in $dir"; exit 14; }
if ! flock -w "$lock_wait" 9; then
  echo "another change to this route server did not finish within ${lock_wait} s"
  exit 14
fi

# Journals left by a run that was killed between its write and its confirm: BIRD has
# undone (or will undo) that unconfirmed change, so put its file back as well.
recovered=0
for journal in "$dir"/.*.before "$dir"/.*.absent; do
  [ -f "$journal" ] || continue
  stale=${journal##*/}; stale=${stale#.}; stale=${stale%.before}; stale=${stale%.absent}
  case "$journal" in
    *.before) mv -f "$journal" "$dir/$stale" ;;
    *.absent) rm -f "$dir/$stale" "$journal" ;;
  esac
  rm -f "$dir/.$stale.new"
  recovered=1
done
[ "$recovered" = 1 ] && { echo "recovered an interrupted change"; birdc configure >/dev/null 2>&1 || true; }

trap 'restore; exit 15' HUP INT TERM PIPE
if [ "$mode" = remove ]; then
  step remove
  if [ -f "$file" ]; then unchanged=0; cp -p "$file" "$before"; else unchanged=1; touch "$absent"; fi || { echo "cannot write in $dir"; exit 13; }
  rm -f "$file" || { restore; exit 13; }
else
  step write
  base64 -d > "$tmp" <<'ZTIX_PEER_FILE' || { rm -f "$tmp"; echo "cannot write $tmp"; exit 13; }
__ZTIX_PEER_FILE__
ZTIX_PEER_FILE
  if [ -f "$file" ] && cmp -s "$tmp" "$file"; then unchanged=1; else unchanged=0; fi
  if [ -f "$file" ]; then cp -p "$file" "$before" || { rm -f "$tmp"; exit 13; }; else touch "$absent" || { rm -f "$tmp"; exit 13; }; fi
  mv -f "$tmp" "$file" || { restore; exit 13; }
fi

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

trap - HUP INT TERM PIPE
rm -f "$before" "$absent"
[ "$unchanged" = 1 ] && echo "unchanged"
echo "applied"
