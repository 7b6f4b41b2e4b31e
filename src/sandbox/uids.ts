/**
 * One uid per user pool, so that when the server runs as root each pool's children are a separate
 * OS user: they cannot signal, ptrace or read the memory of the host or another pool's children,
 * and RLIMIT_NPROC counts only their own processes. The uid is derived from the pool id (stable
 * across restarts, handy in `ps` and audit logs) in a high range no real account uses; collisions
 * within this process are resolved by probing.
 */
export class UidAllocator {
  private readonly byPool = new Map<string, number>();
  private readonly taken = new Set<number>();

  constructor(
    private readonly base: number,
    private readonly range: number,
  ) {}

  uidFor(poolId: string): number {
    const known = this.byPool.get(poolId);
    if (known !== undefined) return known;
    if (this.taken.size >= this.range) throw new Error('sandbox uid range exhausted');
    let offset = fnv1a(poolId) % this.range;
    while (this.taken.has(this.base + offset)) offset = (offset + 1) % this.range;
    const uid = this.base + offset;
    this.taken.add(uid);
    this.byPool.set(poolId, uid);
    return uid;
  }
}

/** 32-bit FNV-1a: small, fast, well spread for short strings. */
function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash;
}
