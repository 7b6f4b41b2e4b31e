import type { MigrationProgress } from '../../lib/api';
import type { BarDatum } from '../../components/BarChart';

/** YYYY-MM-DD of a date, in UTC (the server groups migrations by UTC day). */
const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/**
 * Migrated users in total at the end of each of the last `days` days (UTC), from the per-day counts the
 * server gives (days without a migration are absent there) and today's total.
 */
export function migrationSeries(progress: MigrationProgress, days = 30, now = new Date()): BarDatum[] {
  const counts = new Map(progress.perDay.map((d) => [d.day, d.count]));
  const inWindow = progress.perDay.reduce((sum, d) => sum + d.count, 0);
  let total = Math.max(0, progress.migratedUsers - inWindow);
  const series: BarDatum[] = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = dayOf(new Date(now.getTime() - i * 86_400_000));
    const count = counts.get(day) ?? 0;
    total += count;
    series.push({ label: day, value: total, detail: count });
  }
  return series;
}
