/** Prometheus metrics: HTTP request durations and login outcomes, on a registry per node. */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'gatehouse_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  readonly logins = new Counter({
    name: 'gatehouse_logins_total',
    help: 'Login attempts by outcome (success, invalid_credentials, blocked, rate_limited, error) and method',
    labelNames: ['pool', 'outcome', 'method'] as const,
    registers: [this.registry],
  });
  readonly registrations = new Counter({
    name: 'gatehouse_registrations_total',
    help: 'Registrations by outcome',
    labelNames: ['pool', 'outcome'] as const,
    registers: [this.registry],
  });

  constructor(sources: { passwordHashes?: () => { active: number; waiting: number } } = {}) {
    collectDefaultMetrics({ register: this.registry });
    const hashes = sources.passwordHashes;
    if (hashes) {
      new Gauge({
        name: 'gatehouse_password_hashes',
        help: 'Password hashes running now (state="active") and waiting for a slot (state="waiting")',
        labelNames: ['state'] as const,
        registers: [this.registry],
        collect() {
          const { active, waiting } = hashes();
          this.set({ state: 'active' }, active);
          this.set({ state: 'waiting' }, waiting);
        },
      });
    }
  }
}
