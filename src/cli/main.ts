#!/usr/bin/env node
/**
 * The `gatehouse` command: start the server, run migrations, and a few bootstrap chores.
 * Configuration comes from the environment (README "Configuration").
 */
import { Command } from 'commander';
import { loadConfig } from '../config/index.js';
import { createGatehouse } from '../app.js';
import { migrate, openStore } from '../store/index.js';
import { PoolService } from '../pools/index.js';
import { ApiKeyService } from '../apikeys/index.js';
import { exitOnSignals } from './shutdown.js';

const program = new Command()
  .name('gatehouse')
  .description('Self-hosted identity server that authenticates against the user database you already have');

program
  .command('start')
  .description('Run the server (migrations run first)')
  .action(async () => {
    const config = loadConfig();
    const gatehouse = await createGatehouse(config);
    const { logger } = gatehouse.services;
    const url = await gatehouse.listen();
    logger.info({ url, store: gatehouse.services.store.kind }, 'Gatehouse is listening');
    if (gatehouse.bootstrap.generatedApiKey || gatehouse.bootstrap.generatedAdminPassword) {
      // Printed once to the terminal, never logged: the log may be shipped elsewhere.
      process.stdout.write(
        [
          '',
          'First start: save these now, they are not shown again.',
          gatehouse.bootstrap.generatedApiKey
            ? `  Instance admin API key: ${gatehouse.bootstrap.generatedApiKey}`
            : '',
          gatehouse.bootstrap.generatedAdminPassword
            ? `  Console login: admin / ${gatehouse.bootstrap.generatedAdminPassword}`
            : '',
          '',
        ]
          .filter((line, i) => line !== '' || i === 0)
          .join('\n') + '\n',
      );
    }
    exitOnSignals(logger, () => gatehouse.close());
  });

program
  .command('demo')
  .description(
    'Run the server with a sample legacy user database, the default pool connected to it (LAZY_MIGRATION)',
  )
  .action(async () => {
    // Loaded on demand: only the demo needs pglite-socket.
    const { runDemoCommand } = await import('../demo/cli.js');
    await runDemoCommand();
  });

program
  .command('migrate')
  .description('Bring the store schema up to date and exit')
  .action(async () => {
    const config = loadConfig();
    const store = await openStore({
      dataDir: config.dataDir,
      ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
    });
    try {
      const applied = await migrate(store.db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The store is up to date.');
    } finally {
      await store.close();
    }
  });

async function withStore<T>(fn: (store: Awaited<ReturnType<typeof openStore>>) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const store = await openStore({
    dataDir: config.dataDir,
    ...(config.databaseUrl ? { databaseUrl: config.databaseUrl } : {}),
  });
  try {
    await migrate(store.db);
    return await fn(store);
  } finally {
    await store.close();
  }
}

const pools = program.command('pools').description('Manage user pools');
pools
  .command('create <slug>')
  .description('Create a user pool')
  .option('-n, --name <name>', 'display name')
  .action(async (slug: string, options: { name?: string }) => {
    await withStore(async (store) => {
      const pool = await new PoolService(store.db).create({
        slug,
        ...(options.name ? { name: options.name } : {}),
      });
      console.log(JSON.stringify(pool, null, 2));
    });
  });
pools
  .command('list')
  .description('List user pools')
  .action(async () => {
    await withStore(async (store) => {
      const { list } = await new PoolService(store.db).list(1, 100);
      for (const pool of list) console.log(`${pool.slug}\t${pool.name}\t${pool.id}`);
    });
  });

const keys = program.command('keys').description('Manage management API keys');
keys
  .command('create')
  .description('Create an API key for a pool, or an instance-wide key with --instance')
  .option('-p, --pool <slug>', 'the pool the key may manage')
  .option('--instance', 'an instance-wide key that may manage every pool')
  .option('-n, --name <name>', 'a name to tell keys apart', 'cli')
  .action(async (options: { pool?: string; instance?: boolean; name: string }) => {
    if (Boolean(options.pool) === Boolean(options.instance)) {
      program.error('Give exactly one of --pool <slug> or --instance');
    }
    await withStore(async (store) => {
      const poolId = options.pool ? (await new PoolService(store.db).get(options.pool)).id : null;
      const { key, info } = await new ApiKeyService(store.db).create(poolId, options.name);
      console.log(`API key ${info.id} (${options.pool ? `pool ${options.pool}` : 'instance-wide'}):\n${key}`);
    });
  });

program.parseAsync().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
