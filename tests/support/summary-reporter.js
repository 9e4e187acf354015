// Ends every run with one plain line, "N passed, N failed", that CI reads. jest's own summary may print after
// this reporter's, so the line is also written to .tmp/test-summary.txt and printed last by scripts/linli.mjs.
const { mkdirSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

const summaryFile = join(__dirname, '..', '..', '.tmp', 'test-summary.txt');

class SummaryReporter {
  onRunStart() {
    mkdirSync(join(summaryFile, '..'), { recursive: true });
    writeFileSync(summaryFile, '');
  }
  onRunComplete(_contexts, results) {
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed`;
    writeFileSync(summaryFile, `${line}\n`);
    process.stdout.write(`\n${line}\n`);
  }
}
module.exports = SummaryReporter;
module.exports.summaryFile = summaryFile;
