# Sourced by the CLI test scripts: TAP output, the CLI under test and a
# scratch folder.  `check STATUS DESCRIPTION COMMAND…` runs a command and
# wants its exit status; `py DESCRIPTION ARGS… <<'PY'` runs a Python check,
# with the interpreter $PYTHON names (default python3).
set -u
cli="${EVG_WRAPPER:-} ${EVG_CLI:?EVG_CLI must name the e-vanguard-cli binary}"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
failures=0
n=0

check () {
  n=$((n + 1))
  want=$1; shift
  desc=$1; shift
  "$@" >"$dir/out" 2>"$dir/err"
  got=$?
  if [ "$got" -eq "$want" ]; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc (exit $got, wanted $want)"
    sed 's/^/# /' "$dir/err"
    failures=$((failures + 1))
  fi
}

py () {
  n=$((n + 1))
  desc=$1; shift
  if "${PYTHON:-python3}" - "$@" >"$dir/pyerr" 2>&1; then
    echo "ok $n - $desc"
  else
    echo "not ok $n - $desc"
    sed 's/^/# /' "$dir/pyerr"
    failures=$((failures + 1))
  fi
}

# The first python3 that can import the module $1, or nothing: Debian's
# python3-* packages are not seen by a python3 of one's own (pyenv, a
# virtualenv) that comes first on PATH.
python_with () {
  for p in python3 /usr/bin/python3; do
    if "$p" -c "import $1" 2>/dev/null; then
      echo "$p"
      return
    fi
  done
}
