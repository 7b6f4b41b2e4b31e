/**
 * The `gatehouse demo` command: start the demo, print what to try, stop cleanly on SIGINT/SIGTERM.
 */
import { exitOnSignals } from '../cli/shutdown.js';
import { demoInstructions, startDemo } from './index.js';

export async function runDemoCommand(): Promise<void> {
  process.stdout.write('Starting the Gatehouse demo (the first start creates two embedded databases)…\n');
  const demo = await startDemo();
  const { logger } = demo.gatehouse.services;
  logger.info({ url: demo.url, legacyDb: demo.legacyDb.uri }, 'Gatehouse demo is listening');
  process.stdout.write(demoInstructions(demo));

  exitOnSignals(logger, () => demo.close());
}
