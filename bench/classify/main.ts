/**
 * `pnpm -s bench classify [DIR]`: the classifier over every crash-tail fixture, laid out as
 * fixtures/crash-tails is (`<crashType>/<name>.log` + `<name>.json`). Two sets, reported apart:
 * - training: fixtures/crash-tails, the tails the rules were written and tuned on;
 * - blind: fixtures/crash-tails-blind, the batch of new tails (issue #14) not yet tuned on: the
 *   honest figure for tails the classifier has never seen. A batch is measured once, then moves to
 *   training (bench/classify/HISTORY.md keeps each batch's figure).
 * For each: precision, recall (the per-label accuracy) and support per crash type, the overall
 * accuracy and every misclassified fixture. Exits 1 when a type of the training set falls below 90 %
 * precision or recall; the blind set (a handful per type) is a measurement, not a gate.
 * With DIR, only that directory is scored (as training).
 */
import { CRASH_TYPES, classify } from '@smart-reap/shared';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { BLIND_FIXTURES_DIR, FIXTURES_DIR, loadFixtures, type Fixture } from './fixtures.js';
import { formatTable, perType, type Outcome, type TypeStats } from './report.js';

const THRESHOLD = 0.9;

function score(fixtures: readonly Fixture[]): { outcomes: Outcome[]; elapsedMs: number } {
  const started = performance.now();
  const outcomes = fixtures.map((f) => {
    const result = classify({
      tail: f.tail,
      ...(f.exitCode !== undefined ? { exitCode: f.exitCode } : {}),
      ...(f.signal !== undefined ? { signal: f.signal } : {}),
    });
    return { name: f.name, expected: f.expected, actual: result.crashType, confidence: result.confidence, summary: result.summary };
  });
  return { outcomes, elapsedMs: performance.now() - started };
}

/** `blind`: misclassified tails are named, never quoted, so that reading the report is not tuning on them. */
function report(title: string, root: string, blind = false): TypeStats[] {
  const fixtures = loadFixtures(root);
  if (fixtures.length === 0) {
    console.error(`no fixtures under ${root}`);
    process.exit(2);
  }
  const { outcomes, elapsedMs } = score(fixtures);
  const stats = perType(outcomes, CRASH_TYPES);
  const correct = outcomes.filter((o) => o.expected === o.actual).length;
  console.log(`== ${title} (${root})\n`);
  console.log(formatTable(stats));
  console.log(`\n${title} accuracy ${correct}/${outcomes.length} = ${((correct / outcomes.length) * 100).toFixed(1)}%  (${elapsedMs.toFixed(0)} ms)`);
  const wrong = outcomes.filter((o) => o.expected !== o.actual);
  if (wrong.length > 0) {
    console.log('\nmisclassified:');
    for (const o of wrong) console.log(`  ${o.name}: expected ${o.expected}, got ${o.actual} (${o.confidence})${blind ? '' : ` — ${o.summary}`}`);
  }
  console.log('');
  return stats;
}

const dir = process.argv[2];
const training = report('training', dir ? resolve(dir) : FIXTURES_DIR);
if (!dir && existsSync(BLIND_FIXTURES_DIR)) report('blind', BLIND_FIXTURES_DIR, true);

const failing = training.filter((s) => s.precision < THRESHOLD || s.recall < THRESHOLD);
if (failing.length > 0) {
  console.log(`training below ${THRESHOLD * 100}%: ${failing.map((s) => s.crashType).join(', ')}`);
  process.exitCode = 1;
}
