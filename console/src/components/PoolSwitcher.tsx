import type { Pool } from '../lib/api';

export function PoolSwitcher({
  pools,
  current,
  onChange,
}: {
  pools: Pool[];
  current: string;
  onChange: (slug: string) => void;
}) {
  return (
    <div className="pool-switcher">
      <label htmlFor="pool-switcher">User pool</label>
      <select id="pool-switcher" value={current} onChange={(e) => onChange(e.target.value)}>
        {pools.map((pool) => (
          <option key={pool.id} value={pool.slug}>
            {pool.name && pool.name !== pool.slug ? `${pool.name} (${pool.slug})` : pool.slug}
          </option>
        ))}
      </select>
    </div>
  );
}
