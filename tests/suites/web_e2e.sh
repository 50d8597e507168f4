#!/usr/bin/env bash
# Browser end-to-end test of `hoshi serve` (tests/e2e/flow.mjs): Debian's
# chromium driven by playwright-core, against the sanitizer build in
# $HOSHI.  Screenshots in build/e2e/.  Prints ok/FAIL lines.
cd "$(dirname "$0")/../.." || exit 1
export HOSHI=${HOSHI:-build/san/hoshi}
if ! command -v node >/dev/null || [ ! -x /usr/bin/chromium ] || [ ! -d node_modules/playwright-core ] || [ ! -d node_modules/@axe-core/playwright ]; then
  echo "FAIL browser test prerequisites: node, /usr/bin/chromium and node_modules/playwright-core and @axe-core/playwright (make check installs them)"
  exit 1
fi
timeout 600 node tests/e2e/flow.mjs
rc=$?
# Answering a survey on a phone, with axe-core (issue 9 item 4).
timeout 600 node tests/e2e/survey.mjs || rc=1
# axe-core on every page at desktop and phone size, form errors (issue 11 part 9).
timeout 900 node tests/e2e/axe_all.mjs || rc=1
# The owner's year (issue 11 part 7): policy versions, step-up, with axe-core.
timeout 600 node tests/e2e/owner_year.mjs || rc=1
# Case studies and support services (issue 13 parts 3, 4), with axe-core.
timeout 600 node tests/e2e/cases_support.mjs || rc=1
# The step-up box on the dashboard after ★ (issue 13 part 2), with axe-core.
timeout 600 node tests/e2e/stepup.mjs || rc=1
# The supply chain (issue 13 part 5): the board of suppliers, consent, with axe-core.
timeout 600 node tests/e2e/suppliers.mjs || rc=1
exit $rc
