// Runs every spec file in specs/ in order, one fresh browser context per test,
// and prints a summary line in the same form as the C suites.

import {readdirSync} from 'node:fs';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {launch} from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ? new RegExp(process.argv[2]) : null;
const browser = await launch();
let tested = 0;
let passing = 0;

for (const file of readdirSync(path.join(here, 'specs')).filter((f) => f.endsWith('.mjs')).sort()) {
  const spec = await import(path.join(here, 'specs', file));
  for (const [name, test] of Object.entries(spec.tests)) {
    const full = `${file.replace(/\.mjs$/, '')}::${name}`;
    if (filter && !filter.test(full)) continue;
    tested++;
    const started = Date.now();
    const pages = [];
    try {
      await test({browser, track: (page) => {
        pages.push(page);
        return page;
      }});
      const problems = pages.flatMap((p) => p.problems || []);
      if (problems.length) throw new Error(problems.join('\n'));
      passing++;
      console.log(`[PASS] ${full}: (${((Date.now() - started) / 1000).toFixed(2)}s)`);
    } catch (err) {
      console.log(`[FAIL] ${full}: (${((Date.now() - started) / 1000).toFixed(2)}s)\n${err.stack || err}`);
    } finally {
      for (const page of pages) await page.context().close().catch(() => {});
    }
  }
}
await browser.close();
console.log(`[====] Synthesis: Tested: ${tested} | Passing: ${passing} | Failing: ${tested - passing} | Crashing: 0`);
process.exit(tested === passing ? 0 : 1);
