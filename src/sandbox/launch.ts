/**
 * How a sandbox child is started: which file, which Node flags, which OS limits, which environment
 * and which uid. Kept apart from process management so the command line can be inspected and tested.
 */
import { createRequire } from 'node:module';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The child runtime is plain JavaScript: no TypeScript loader needed, same file from src/ or dist/. */
export const CHILD_DIR = fileURLToPath(new URL('./child/', import.meta.url));
export const CHILD_ENTRY = path.join(CHILD_DIR, 'main.js');

const PRLIMIT = '/usr/bin/prlimit';

/** Packages the child loads; their node_modules roots are the only other places it may read. */
const CHILD_PACKAGES = [
  'pg',
  'mysql2',
  'mongodb',
  '@node-rs/bcrypt',
  'bcryptjs',
  'argon2',
  'axios',
  'lodash',
];

/**
 * node-gyp-build (argon2's loader) probes this file to tell musl from glibc; under the permission
 * model an unreadable path throws instead of "not found". Granting it exposes nothing: it is the
 * only file at that path and is absent outside Alpine.
 */
const LIBC_PROBE = '/etc/alpine-release';

/** Node ≥ 23.5 has the stable `--permission`; 20 and 22 have `--experimental-permission`. */
export function permissionFlag(
  version: string = process.versions.node,
): '--permission' | '--experimental-permission' {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 23 || (major === 23 && minor >= 5) ? '--permission' : '--experimental-permission';
}

/** Directories containing the packages the child may load (usually the one project node_modules). */
export function moduleRoots(): string[] {
  const require = createRequire(CHILD_ENTRY);
  const roots = new Set<string>();
  for (const name of CHILD_PACKAGES) {
    const resolved = require.resolve(name);
    const marker = `${path.sep}node_modules${path.sep}`;
    const at = resolved.lastIndexOf(`${marker}${name.split('/')[0]}${path.sep}`);
    roots.add(resolved.slice(0, at + marker.length));
  }
  return [...roots];
}

/** Everything the child may read: its own code, its packages, the libc probe. */
export function readablePaths(): string[] {
  return [CHILD_DIR, ...moduleRoots(), LIBC_PROBE];
}

export interface LaunchLimits {
  heapLimitMb: number;
  addressSpaceLimitMb: number;
  /** RLIMIT_NPROC for the child's uid; only meaningful when the uid is the child's alone. */
  maxProcesses: number | null;
}

export interface LaunchPlan {
  command: string;
  args: string[];
  env: Record<string, string>;
  uid?: number;
  gid?: number;
  cwd: string;
}

/** The Node flags of a child. */
export function nodeFlags(heapLimitMb: number): string[] {
  return [
    permissionFlag(),
    // Repeated flags, not a comma list: Node 20.20 and later read each flag as one path.
    ...readablePaths().map((p) => `--allow-fs-read=${p}`),
    // Native bcrypt and argon2 are addons. Node warns that addons can bypass the permission model;
    // that is why the process, not the permission model, is the boundary (own uid, limits, no secrets).
    '--allow-addons',
    '--disallow-code-generation-from-strings',
    '--disable-proto=throw',
    `--max-old-space-size=${heapLimitMb}`,
    // The permission model prints an ExperimentalWarning on Node 20/22 at every start.
    '--no-warnings',
  ];
}

/** prlimit arguments: memory, files, processes, CPU time, no core dumps, no file writes. */
export function osLimitArgs(limits: LaunchLimits): string[] {
  const args = [
    `--as=${limits.addressSpaceLimitMb * 1024 * 1024}`,
    '--nofile=1024',
    '--core=0',
    '--fsize=0',
    // CPU seconds over the child's whole life: a long-lived child is simply respawned when it hits it.
    '--cpu=3600:3630',
  ];
  if (limits.maxProcesses !== null) args.push(`--nproc=${limits.maxProcesses}`);
  return args;
}

/**
 * The child's environment: nothing of the host's (no DATABASE_URL, no secret key, no NODE_OPTIONS
 * that could load a loader). Scripts get their own variables through the pipe, as `env`.
 */
export function childEnv(): Record<string, string> {
  const env: Record<string, string> = { HOME: '/nonexistent', LANG: 'C.UTF-8', NODE_ENV: 'production' };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env;
}

export function buildLaunch(limits: LaunchLimits, uid: number | null): LaunchPlan {
  const node = [...nodeFlags(limits.heapLimitMb), CHILD_ENTRY];
  const withLimits = existsSync(PRLIMIT);
  const plan: LaunchPlan = {
    command: withLimits ? PRLIMIT : process.execPath,
    args: withLimits ? [...osLimitArgs(limits), '--', process.execPath, ...node] : node,
    env: childEnv(),
    cwd: '/',
  };
  if (uid !== null) {
    plan.uid = uid;
    plan.gid = uid;
  }
  return plan;
}

/**
 * Files a child under another uid must be able to read: every directory on the way needs o+x and the
 * child's own files o+r. Returns what is missing (empty when all is well).
 */
export function unreadableByOthers(paths: string[] = [CHILD_ENTRY, ...moduleRoots()]): string[] {
  const problems: string[] = [];
  for (const target of paths) {
    let current = target;
    for (;;) {
      const stat = statSync(current);
      const needed = stat.isDirectory() ? 0o005 : 0o004;
      if ((stat.mode & needed) !== needed) problems.push(current);
      const parent = path.dirname(current);
      if (parent === current) break;
      current = parent;
    }
  }
  return [...new Set(problems)];
}
