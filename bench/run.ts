/**
 * Benchmark runner: `npm run bench [name…]` runs every `bench/*.bench.ts` (or the named ones) one after
 * another. Each bench module measures its subject and a baseline in the same run and returns rows that
 * carry the ratio between them, so results stay comparable from one machine to the next.
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import path from 'node:path';
import os from 'node:os';

export interface BenchRow {
  name: string;
  /** The measured figure, already formatted with its unit. */
  value: string;
  /** The baseline measured in the same run, formatted with its unit. */
  baseline?: string;
  /** value / baseline in the direction the target is written, e.g. "0.93 of raw hashing". */
  ratio?: string;
  target?: string;
  /** Whether the target was met; undefined when there is no target. */
  met?: boolean;
}

export type BenchModule = { default: () => Promise<BenchRow[]> };

const here = path.dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = (await readdir(here))
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

console.log(
  `# Gatehouse benchmarks — ${new Date().toISOString()} — Node ${process.version}, ${os.cpus().length} cores`,
);
let failed = false;
for (const file of files) {
  console.log(`\n## ${file.replace('.bench.ts', '')}`);
  const mod = (await import(pathToFileURL(path.join(here, file)).href)) as BenchModule;
  const rows = await mod.default();
  console.log('| benchmark | result | baseline | ratio | target | met |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const met = r.met === undefined ? '' : r.met ? 'yes' : 'NO';
    if (r.met === false) failed = true;
    console.log(
      `| ${r.name} | ${r.value} | ${r.baseline ?? ''} | ${r.ratio ?? ''} | ${r.target ?? ''} | ${met} |`,
    );
  }
}
// A missed target is reported, not fatal: timings vary between machines and runs.
if (failed) console.log('\nSome targets were missed (see NO above).');
process.exit(0);
