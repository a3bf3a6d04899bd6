// Mocha's spec reporter, plus a stats file (CTL_STATS_FILE) that scripts/test.mjs adds up into
// the closing "N passed, N failed, N skipped" line. Skipped tests print their reason.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class Reporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const file = process.env.CTL_STATS_FILE;
      if (!file) return;
      const { passes = 0, failures = 0, pending = 0 } = runner.stats ?? {};
      fs.writeFileSync(file, JSON.stringify({ passes, failures, pending }));
    });
  }
}
module.exports = Reporter;
