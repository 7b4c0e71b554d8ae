// A mocha reporter: the usual spec output, plus the pass/fail counts written to
// the file named by HEARTH_SUMMARY_FILE so test/run-all.mjs can add up tiers.
'use strict';
const fs = require('node:fs');
const Mocha = require('mocha');

class SummaryReporter extends Mocha.reporters.Spec {
  constructor(runner, options) {
    super(runner, options);
    const counts = { passed: 0, failed: 0 };
    runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, () => counts.passed++);
    runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, () => counts.failed++);
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      if (process.env.HEARTH_SUMMARY_FILE) fs.writeFileSync(process.env.HEARTH_SUMMARY_FILE, JSON.stringify(counts));
    });
  }
}

module.exports = SummaryReporter;
