/**
 * Graceful shutdown for long-running commands: on SIGTERM or SIGINT, stop taking work, let `close`
 * finish what is in flight, and exit. A stuck request must not keep the process alive forever, so a
 * forced exit follows after a grace period.
 */
import type { Logger } from 'pino';

const GRACE_MS = 15_000;

export function exitOnSignals(logger: Logger, close: () => Promise<void>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down: finishing in-flight requests');
    setTimeout(() => process.exit(1), GRACE_MS).unref();
    try {
      await close();
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, 'error during shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', () => void stop('SIGTERM'));
  process.once('SIGINT', () => void stop('SIGINT'));
}
