/**
 * The test runner VS Code loads inside the extension host (`extensionTestsPath`), under
 * code-server (test/e2e/run.mjs) and under desktop VS Code (@vscode/test-electron) alike.
 * It runs every *.test.js next to it with mocha and rejects when a test fails, which the
 * workbench turns into a non-zero exit code for the harness.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

/** out/test/e2e/suite -> the repository root. */
const root = path.resolve(__dirname, '..', '..', '..', '..');

export function run(): Promise<void> {
  const mocha = new Mocha({
    ui: 'bdd',
    color: false, // the output travels through the workbench to the harness's terminal
    timeout: Number(process.env.CTL_E2E_TEST_TIMEOUT_MS ?? 30_000),
    slow: 5_000,
  });
  // The spec reporter that also writes CTL_STATS_FILE for scripts/test.mjs.
  mocha.reporter(path.join(root, 'test', 'support', 'mocha-reporter.cjs'));
  const grep = process.env.CTL_E2E_GREP;
  if (grep) mocha.grep(grep);

  const files = fs
    .readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  for (const name of files) mocha.addFile(path.join(__dirname, name));

  return new Promise<void>((resolve, reject) => {
    if (files.length === 0) {
      reject(new Error(`no *.test.js files in ${__dirname}: build with \`node esbuild.mjs --tests\``));
      return;
    }
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} e2e test${failures === 1 ? '' : 's'} failed`));
        else resolve();
      });
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)));
    }
  });
}
