#!/usr/bin/env bash
# The project's one test command: system browser, package, lint, format check, tests.
# Usage: bash tests/run.sh [extra pytest arguments]
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

# Browser tests drive Debian's chromium (Playwright cannot download its own here);
# PDF tests render pages with pdftoppm. (The PDF font, DejaVu Sans, is bundled in data/fonts/.)
# Install them only when one is missing.
if [[ ! -x /usr/bin/chromium ]] || ! command -v pdftoppm >/dev/null 2>&1; then
    if [[ "$(id -u)" -ne 0 ]]; then
        echo "tests/run.sh: /usr/bin/chromium or pdftoppm missing; run as root or install" \
            "them: apt-get install chromium poppler-utils" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq chromium poppler-utils >/dev/null
fi

python -m pip install -q -e ".[test]"

python -m ruff check .
python -m ruff format --check .

# Everything runs here: pyproject's addopts leave browser and slow tests out of plain `pytest`,
# and this -m (a later -m wins; extra arguments after it win again) selects every test back.
# pytest exit code 5 means "no tests collected": that is a failure here, not a pass.
# The property tests try 150 generated inputs each here (40 in the everyday run).
export FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-150}"
status=0
python -m pytest -m "browser or not browser" "$@" || status=$?
if [[ "$status" -eq 5 ]]; then
    echo "tests/run.sh: pytest collected no tests" >&2
fi
exit "$status"
