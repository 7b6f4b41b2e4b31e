/**
 * Connects the `default` pool to the demo's legacy database: LAZY_MIGRATION, genauth dialect, the URI
 * of the sample database, its loopback port on the egress allowlist, and the eight `postgres` template
 * scripts. Idempotent: the first start configures everything; later starts only point the connection
 * at the database's port of the day, and never save a script twice or over an operator's own edit.
 */
import type { ConnectionService } from '../connections/service.js';
import type { CustomDbUpdate } from '../connections/service.js';
import { getTemplate, SCRIPT_NAMES } from '../connections/templates/index.js';
import type { ConnectionMode } from '../connections/scripts.js';
import type { Pool } from '../pools/index.js';

export const DEMO_POOL = 'default';
/** Who the script history says saved the demo's scripts. */
export const DEMO_ACTOR = 'gatehouse demo';

export interface DemoConnectionTarget {
  uri: string;
  /** `host:port` of the legacy database, for the egress allowlist. */
  hostPort: string;
}

export interface DemoConfigurationResult {
  /** True when this start configured the connection from scratch. */
  firstConfiguration: boolean;
  /** Scripts saved at this start (none on a restart). */
  scriptsSaved: string[];
  /** The connection as it is now (an operator may have changed it since the first start). */
  enabled: boolean;
  mode: ConnectionMode;
}

export async function configureDemoConnection(
  connections: ConnectionService,
  pool: Pool,
  target: DemoConnectionTarget,
): Promise<DemoConfigurationResult> {
  const template = getTemplate('postgres');
  if (!template) throw new Error('The postgres template is missing');
  const current = await connections.get(pool);
  const firstConfiguration = current.connection === null;

  // The allowlist keeps whatever the operator added, minus the entry of the previous start (another port).
  const previous = current.connection?.kind === 'uri' ? hostPortOf(current.connection.uri) : null;
  const allow = current.egressAllow.filter((entry) => entry !== previous && entry !== target.hostPort);
  const update: CustomDbUpdate = {
    connection: { uri: target.uri },
    egressAllow: [...allow, target.hostPort],
  };
  if (firstConfiguration) {
    Object.assign(update, {
      enabled: true,
      mode: 'LAZY_MIGRATION',
      dialect: 'genauth',
    } satisfies CustomDbUpdate);
  }
  const stale =
    firstConfiguration ||
    current.connection?.kind !== 'uri' ||
    current.connection.uri !== target.uri ||
    current.egressAllow.join(',') !== update.egressAllow!.join(',');
  if (stale) await connections.update(pool, update);

  const scriptsSaved: string[] = [];
  const { dialect, enabled, mode } = await connections.get(pool);
  if (dialect === 'genauth') {
    for (const name of SCRIPT_NAMES) {
      const state = await connections.script(pool, name);
      if (!state.isDefault) continue; // written before: by an earlier demo start or by the operator
      await connections.saveScript(pool, name, template.scripts[name], DEMO_ACTOR);
      scriptsSaved.push(name);
    }
  }
  return { firstConfiguration, scriptsSaved, enabled, mode };
}

function hostPortOf(uri: string): string | null {
  try {
    const url = new URL(uri);
    return url.port ? `${url.hostname}:${url.port}` : null;
  } catch {
    return null;
  }
}
