/**
 * Script sandbox: runs operators' database scripts in per-pool child processes (DESIGN §4).
 * See docs/sandbox.md for how it works and its security model.
 */
export { createSandbox } from './sandbox.js';
export { DEFAULT_TIMEOUT_MS, MAX_TIMEOUT_MS } from './options.js';
export type {
  ChildInfo,
  EgressRules,
  LogEntry,
  RunError,
  RunErrorKind,
  RunRequest,
  RunResult,
  Sandbox,
  SandboxOptions,
  SandboxStats,
  ScriptDialect,
} from './types.js';
export { pinEventLoop } from './affinity.js';
