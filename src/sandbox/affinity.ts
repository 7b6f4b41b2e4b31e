/**
 * CPU placement of the event loops that hand calls to each other. On a virtual machine, waking a process
 * on another, idle vCPU goes through the hypervisor: a host↔child round trip measured 22 µs with both
 * on one CPU and 75–95 µs across two (docs/benchmarks.md). Linux prefers an idle CPU for the woken
 * process, so only affinity keeps the pair together. With `eventLoopCpu` set, the server pins its main
 * thread to that CPU and each sandbox child pins its main thread there too; thread pools (argon2,
 * bcrypt, V8's helpers) stay free to run anywhere, which is why only main threads are pinned, and only
 * after their process has started its thread pool (threads inherit the affinity of their creator).
 *
 * Node has no API for thread affinity; util-linux's `taskset` sets it for one thread id (a process's
 * pid is its main thread's id).
 */
import { execFile } from 'node:child_process';
import { randomFill } from 'node:crypto';

const TASKSET = 'taskset';

/** Pins one thread to one CPU. */
export function pinThread(tid: number, cpu: number): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(TASKSET, ['-p', '-c', String(cpu), String(tid)], (error) =>
      error ? reject(new Error(`could not pin thread ${tid} to CPU ${cpu}: ${error.message}`)) : resolve(),
    );
  });
}

/**
 * Pins this process's main thread to `cpu`, once libuv's thread pool exists (started here by a small
 * random fill), so that the pool's threads keep the whole machine.
 */
export async function pinEventLoop(cpu: number): Promise<void> {
  await new Promise((resolve) => randomFill(new Uint8Array(1), resolve));
  await pinThread(process.pid, cpu);
}
