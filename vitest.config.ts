import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'examples/**/*.test.ts'],
    // Integration suites start servers and child processes; files run in separate forks so one
    // suite's processes and environment never leak into another's.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores: more parallel files than that only adds contention.
    maxWorkers: 2,
  },
});
