/**
 * `pnpm -s bench classify [DIR]`: the classifier over every crash-tail fixture (of DIR, laid out as
 * fixtures/crash-tails is: `<crashType>/<name>.log` + `<name>.json`). Prints precision and recall
 * per crash type, the overall accuracy and every misclassified fixture; exits 1 when a type falls
 * below 90 % precision or recall.
 */
import { CRASH_TYPES, classify } from '@smart-reap/shared';
import { resolve } from 'node:path';
import { FIXTURES_DIR, loadFixtures } from './fixtures.js';
import { formatTable, perType, type Outcome } from './report.js';

const THRESHOLD = 0.9;

const root = process.argv[2] ? resolve(process.argv[2]) : FIXTURES_DIR;
const fixtures = loadFixtures(root);
if (fixtures.length === 0) {
  console.error(`no fixtures under ${root}`);
  process.exit(2);
}
const started = performance.now();
const outcomes: Outcome[] = fixtures.map((f) => {
  const result = classify({
    tail: f.tail,
    ...(f.exitCode !== undefined ? { exitCode: f.exitCode } : {}),
    ...(f.signal !== undefined ? { signal: f.signal } : {}),
  });
  return { name: f.name, expected: f.expected, actual: result.crashType, confidence: result.confidence, summary: result.summary };
});
const elapsedMs = performance.now() - started;

const stats = perType(outcomes, CRASH_TYPES);
const correct = outcomes.filter((o) => o.expected === o.actual).length;
console.log(formatTable(stats));
console.log(`\naccuracy ${correct}/${outcomes.length} = ${((correct / outcomes.length) * 100).toFixed(1)}%  (${elapsedMs.toFixed(0)} ms)`);

const wrong = outcomes.filter((o) => o.expected !== o.actual);
if (wrong.length > 0) {
  console.log('\nmisclassified:');
  for (const o of wrong) console.log(`  ${o.name}: expected ${o.expected}, got ${o.actual} (${o.confidence}) — ${o.summary}`);
}

const failing = stats.filter((s) => s.precision < THRESHOLD || s.recall < THRESHOLD);
if (failing.length > 0) {
  console.log(`\nbelow ${THRESHOLD * 100}%: ${failing.map((s) => s.crashType).join(', ')}`);
  process.exitCode = 1;
}
