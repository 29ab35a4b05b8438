#!/bin/sh
# Exit statuses and output of e-vanguard-cli that scripts rely on.
. "$(dirname "$0")/cli-test-lib.sh"

check 0 "--version" $cli --version
grep -q '^e-vanguard-cli [0-9]' "$dir/out" || { echo "not ok - version text"; failures=$((failures + 1)); }
check 0 "--help lists info" $cli --help
grep -q 'info' "$dir/out" || { echo "not ok - help lists info"; failures=$((failures + 1)); }
check 0 "info --help" $cli info --help
check 2 "no command is a usage error" $cli
check 2 "unknown command" $cli frobnicate
check 2 "unknown option" $cli --frob info
check 2 "info takes no arguments" $cli --database "$dir/a.db" info extra
check 0 "info on a new database" $cli --database "$dir/a.db" --json info
python3 - "$dir/out" "$dir/a.db" <<'PY' || failures=$((failures + 1))
import json, sys
data = json.load(open(sys.argv[1]))
assert data["database"] == sys.argv[2], data
assert data["schema_version"] >= 1, data
assert isinstance(data["counts"], dict) and "party_group" in data["counts"], data
assert len(data["site_id"]) == 32, data
print("ok - info JSON has database, schema_version, counts, site_id")
PY
check 0 "options after the command" $cli info --json --database "$dir/a.db"
check 0 "EVG_DATABASE names the default" env EVG_DATABASE="$dir/env.db" $cli --json info
grep -q "$dir/env.db" "$dir/out" || { echo "not ok - EVG_DATABASE used"; failures=$((failures + 1)); }
printf 'not a database at all, just text\n%.0s' $(seq 1 300) > "$dir/junk.db"
before=$(sha256sum "$dir/junk.db")
check 2 "a file that is not a database" $cli --database "$dir/junk.db" info
grep -q 'not an E-Vanguard database' "$dir/err" || { echo "not ok - clear message for junk"; failures=$((failures + 1)); }
[ "$before" = "$(sha256sum "$dir/junk.db")" ] || { echo "not ok - junk file untouched"; failures=$((failures + 1)); }

# A sync that failed on this computer (here a full disk, as the sync worker
# records it for the next start) is not blamed on the server.
check 0 "a database whose sync is set up" env XDG_CONFIG_HOME="$dir/config" \
  $cli --database "$dir/full.db" sync setup --no-check https://sync.example.org:8443 evg-test-token
python3 - "$dir/full.db" <<'PY' || failures=$((failures + 1))
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("UPDATE sync_state SET last_error = ? WHERE id = 1",
           ("0:The disk is full, so the change was not saved. Nothing was lost: "
            "free some disk space and try again.",))
db.commit()
PY
check 0 "sync status after a full disk" env XDG_CONFIG_HOME="$dir/config" \
  $cli --database "$dir/full.db" --json sync status
python3 - "$dir/out" <<'PY' || failures=$((failures + 1))
import json, sys
data = json.load(open(sys.argv[1]))
assert "disk is full" in data["message"] and "free some disk space" in data["message"], data
assert "administrator" not in data["hint"] and "this computer" in data["hint"], data
print("ok - a full disk is not blamed on the server")
PY

# A database in a folder that may not be written is still read by the
# commands that only read.  Root may write anywhere, so as root the commands
# run as nobody, in a folder nobody may enter.
rodir=$(mktemp -d)
trap 'chmod -R u+w "$rodir"; rm -rf "$dir" "$rodir"' EXIT
chmod 755 "$rodir"
mkdir "$rodir/ro"
check 0 "a database to be made read-only" $cli --database "$rodir/ro/r.db" info
printf 'name,id_number,category,joined_on,full_member_on\n赵六,11010519491231002X,full,1970-07-01,1971-07-01\n' > "$rodir/one.csv"
check 0 "with a member" $cli --database "$rodir/ro/r.db" members import "$rodir/one.csv"
chmod 555 "$rodir/ro"
runas=
if [ "$(id -u)" -eq 0 ]; then
  runas="setpriv --reuid=65534 --regid=65534 --clear-groups"
  $runas true 2>/dev/null || runas=skip
fi
if [ "$runas" = skip ]; then
  echo "ok $((n + 1)) # SKIP root, and setpriv cannot run as nobody"
  n=$((n + 1))
else
  check 0 "info on a read-only folder" $runas $cli --database "$rodir/ro/r.db" --json info
  python3 - "$dir/out" <<'PY' || failures=$((failures + 1))
import json, sys
data = json.load(open(sys.argv[1]))
assert data["read_only"] is True and data["counts"]["member"] == 1, data
print("ok - info reads a read-only folder and says so")
PY
  check 0 "members list on a read-only folder" $runas $cli --database "$rodir/ro/r.db" members list --json
  grep -q '赵六' "$dir/out" || { echo "not ok - the member is listed"; failures=$((failures + 1)); }
  check 0 "sync status on a read-only folder" $runas $cli --database "$rodir/ro/r.db" sync status
  check 0 "a preview on a read-only folder" $runas $cli --database "$rodir/ro/r.db" members import "$rodir/one.csv" --dry-run
  check 2 "an import that would write is refused" $runas $cli --database "$rodir/ro/r.db" members import "$rodir/one.csv"
  grep -q 'you may write to it' "$dir/err" || { echo "not ok - the refusal says why"; failures=$((failures + 1)); }
  [ -z "$(ls "$rodir/ro" | grep -v '^r.db$')" ] || { echo "not ok - nothing was left in the folder"; failures=$((failures + 1)); }
fi

# The sync token never crosses the network in clear: plain http:// only to
# this computer, at setup and when a stored address is read.
sync_env="env EVG_TOKEN_STORE=file XDG_CONFIG_HOME=$dir/config EVG_SYNC_RETRIES=1"
refused () {
  grep -q 'https://' "$dir/err" && grep -q 'unencrypted' "$dir/err" ||
    { echo "not ok - $1: the refusal says to use https://"; sed 's/^/# /' "$dir/err"; failures=$((failures + 1)); }
}
for url in http://sync.example.org:8443 http://192.0.2.2:8443 'http://[fd00::2]:8443' \
           http://localhost.example.org:8443 http://127.0.0.1@sync.example.org:8443; do
  check 2 "sync setup refuses $url" $sync_env $cli --database "$dir/s.db" sync setup "$url" tok
  refused "sync setup $url"
  check 2 "sync setup --no-check refuses $url" $sync_env $cli --database "$dir/s.db" sync setup --no-check "$url" tok
  refused "sync setup --no-check $url"
done
check 0 "nothing was set up" $sync_env $cli --database "$dir/s.db" --json sync status
grep -q '"configured" *: *false' "$dir/out" || { echo "not ok - a refused address is not stored"; failures=$((failures + 1)); }
for url in http://127.0.0.1:9 http://127.8.9.10:9 'http://[::1]:9' http://localhost:9 https://sync.example.org:8443; do
  check 0 "sync setup --no-check takes $url" $sync_env $cli --database "$dir/s.db" sync setup --no-check "$url" tok
done
# An address stored before the rule, or edited by hand, stops the sync
# before anything is sent, with the same message.
python3 - "$dir/s.db" <<'PY' || failures=$((failures + 1))
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
with db:
    db.execute("UPDATE meta SET value = 'http://sync.example.org:8443' WHERE key = 'sync_url'")
PY
check 2 "sync now refuses a stored plain http:// address" $sync_env $cli --database "$dir/s.db" sync now
refused "sync now"
check 2 "sync now --json says not_configured" $sync_env $cli --database "$dir/s.db" --json sync now
grep -q '"error" *: *"not_configured"' "$dir/out" || { echo "not ok - JSON error code"; failures=$((failures + 1)); }

echo "1..$n"
[ "$failures" -eq 0 ]
