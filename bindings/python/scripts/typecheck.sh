#!/usr/bin/env bash
# mypy --strict and pyright (strict) over the installed andopen package and over every README example
# that is a whole program (a block starting with an import). The settings are pyproject.toml's.
#   bindings/python/scripts/typecheck.sh [VENV]     (VENV: the virtualenv holding andopen, mypy, pyright)
# The package is checked as installed (its generated native module only exists in the wheel), from a copy
# under target/typecheck.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="$(cd "${1:-$ROOT/target/bindings-venv}" && pwd)"
WORK="$ROOT/target/typecheck"
# pyright from PyPI runs on node; should it need to fetch its npm package, it is kept under target/.
export PYRIGHT_PYTHON_CACHE_DIR="${PYRIGHT_PYTHON_CACHE_DIR:-$ROOT/target/pyright-cache}"

rm -rf "$WORK"
mkdir -p "$WORK/examples"
PACKAGE="$("$VENV/bin/python" -c 'import andopen, os; print(os.path.dirname(andopen.__file__))')"
cp -r "$PACKAGE" "$WORK/andopen"
rm -rf "$WORK/andopen/__pycache__"
cp "$HERE/pyproject.toml" "$WORK/pyproject.toml"
"$VENV/bin/python" "$HERE/scripts/readme_examples.py" "$HERE/README.md" "$WORK/examples"

cd "$WORK"
echo "mypy --strict: the package"
"$VENV/bin/mypy" --config-file pyproject.toml -p andopen
echo "mypy --strict: the README examples"
"$VENV/bin/mypy" --config-file pyproject.toml examples
echo "pyright (strict): the package and the README examples"
"$VENV/bin/pyright" --pythonpath "$VENV/bin/python" --project pyproject.toml andopen examples

# The checks can fail: a misspelt key in an inline body is an error to both.
cp "$HERE/scripts/misspelt_body.py" "$WORK/misspelt_body.py"
if "$VENV/bin/mypy" --config-file pyproject.toml misspelt_body.py >/dev/null; then
  echo "mypy accepted a misspelt key in a body" >&2; exit 1
fi
if "$VENV/bin/pyright" --pythonpath "$VENV/bin/python" --project pyproject.toml misspelt_body.py >/dev/null; then
  echo "pyright accepted a misspelt key in a body" >&2; exit 1
fi
echo "a misspelt key in a body: refused by mypy and pyright"
