#!/bin/sh
# `zro keygen`: writes a key pair with safe permissions and never overwrites one.
# usage: check_keygen.sh PATH_TO_zro
set -u
zro="$1"
dir=$(mktemp -d /tmp/zro-keygen-test-XXXXXX)
trap 'rm -rf "$dir"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

umask 000   # the secret file must be 0600 whatever the umask
"$zro" keygen "$dir/keys" --name n1 > "$dir/out" || fail "keygen exited $?"
umask 022
[ -f "$dir/keys/n1.key" ] || fail "no n1.key"
[ -f "$dir/keys/n1.key_secret" ] || fail "no n1.key_secret"
[ "$(stat -c %a "$dir/keys/n1.key_secret")" = 600 ] || fail "secret mode $(stat -c %a "$dir/keys/n1.key_secret")"
[ "$(stat -c %a "$dir/keys/n1.key")" = 644 ] || fail "public mode $(stat -c %a "$dir/keys/n1.key")"
[ "$(stat -c %a "$dir/keys")" = 700 ] || fail "dir mode $(stat -c %a "$dir/keys")"
pub=$(sed -n 's/^public-key = "\(.*\)"/\1/p' "$dir/keys/n1.key")
sec=$(sed -n 's/^secret-key = "\(.*\)"/\1/p' "$dir/keys/n1.key_secret")
[ ${#pub} -eq 40 ] || fail "public key '$pub'"
[ ${#sec} -eq 40 ] || fail "secret key missing"
grep -qF -e "$sec" "$dir/keys/n1.key" && fail "the public file holds the secret key"
grep -qF -e "$pub" "$dir/out" || fail "the public key is not printed"
grep -qF -e "$sec" "$dir/out" && fail "the secret key was printed"

# Never overwrites.
before=$(cat "$dir/keys/n1.key_secret")
"$zro" keygen "$dir/keys" --name n1 > /dev/null 2>&1 && fail "overwrote an existing key"
[ "$(cat "$dir/keys/n1.key_secret")" = "$before" ] || fail "the secret file changed"

# JSON output names both files.
"$zro" keygen "$dir/keys" --name n2 --json > "$dir/json" || fail "keygen --json exited $?"
grep -q '"public_key"' "$dir/json" || fail "no public_key in JSON: $(cat "$dir/json")"
grep -q 'n2.key_secret' "$dir/json" || fail "no secret_file in JSON"
echo "keygen: ok"
