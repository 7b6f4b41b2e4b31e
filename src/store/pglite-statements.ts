/**
 * Parameterised statements on embedded PGlite, prepared once and then executed in one protocol round.
 *
 * PGlite's own `query()` re-parses and re-plans every statement and enters the WASM backend six times
 * (parse, describe, bind, describe, execute, sync), about 200 µs of CPU for a one-row lookup here. The
 * store runs a handful of statements over and over (the login lookup, the token INSERT), so this keeps
 * each SQL text as a named server-side prepared statement and sends bind + describe + execute + sync as
 * one batch: about a quarter of the CPU. Parameters are serialised and rows parsed with PGlite's own
 * type tables, so results are the same as `query()`'s.
 */
import { parse, protocol, type PGlite, type Results } from '@electric-sql/pglite';

const { serialize } = protocol;

/** Distinct SQL texts kept prepared; Kysely builds a few hundred at most, IN-lists of varied length aside. */
export const MAX_PREPARED_STATEMENTS = 256;

interface Prepared {
  name: string;
  /** Parameter type OIDs as the server inferred them, to pick PGlite's serialiser for each value. */
  paramTypes: number[];
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

/**
 * Errors after which the prepared statements no longer match the server's: a statement dropped behind
 * our back (26000), or a plan whose result columns changed after DDL (0A000). Both are cured by
 * preparing again.
 */
function isStalePlan(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return e?.code === '26000' || (e?.code === '0A000' && /cached plan/.test(e.message ?? ''));
}

/** Process-wide, so two handles on one PGlite never pick the same name. */
let nextStatementId = 1;

export class PreparedStatements {
  /** SQL text → its prepared statement, least recently used first. */
  readonly #statements = new Map<string, Prepared>();

  constructor(
    private readonly db: PGlite,
    private readonly maxStatements = MAX_PREPARED_STATEMENTS,
  ) {}

  get size(): number {
    return this.#statements.size;
  }

  /** Runs one parameterised statement. The caller holds the store's only connection. */
  execute<R>(sql: string, params: readonly unknown[]): Promise<Results<R>> {
    return this.db.runExclusive(async () => {
      try {
        return await this.#run<R>(sql, params);
      } catch (error) {
        if (!isStalePlan(error)) throw error;
        await this.#forgetAll();
        return this.#run<R>(sql, params);
      }
    });
  }

  async #run<R>(sql: string, params: readonly unknown[]): Promise<Results<R>> {
    const statement = await this.#prepared(sql);
    const values = params.map((value, i) => this.#serialise(value, statement.paramTypes[i]));
    const messages = await this.db.execProtocolStream(
      concat([
        serialize.bind({ statement: statement.name, values }),
        serialize.describe({ type: 'P' }),
        serialize.execute({}),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    if (!this.db.isInTransaction()) await this.db.syncToFs();
    return parse.parseResults(messages, this.db.parsers)[0] as Results<R>;
  }

  /** As PGlite's `query()` does: null stays null, a known type uses its serialiser, the rest toString(). */
  #serialise(value: unknown, oid: number | undefined): string | null {
    if (value === null || value === undefined) return null;
    const serialiser = oid === undefined ? undefined : this.db.serializers[oid];
    return serialiser ? serialiser(value) : String(value);
  }

  async #prepared(sql: string): Promise<Prepared> {
    const known = this.#statements.get(sql);
    if (known) {
      this.#statements.delete(sql);
      this.#statements.set(sql, known);
      return known;
    }
    const name = `gh_${nextStatementId++}`;
    // A failed Parse creates nothing, so nothing is remembered; the error reaches the caller.
    const messages = await this.db.execProtocolStream(
      concat([
        serialize.parse({ name, text: sql, types: [] }),
        serialize.describe({ type: 'S', name }),
        serialize.sync(),
      ]),
      { syncToFs: false },
    );
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(messages) };
    this.#statements.set(sql, prepared);
    while (this.#statements.size > this.maxStatements) {
      const [oldestSql, oldest] = this.#statements.entries().next().value as [string, Prepared];
      this.#statements.delete(oldestSql);
      // Failing to close (inside an aborted transaction, say) only leaves an unused statement behind.
      await this.#close(oldest.name).catch(() => {});
    }
    return prepared;
  }

  async #close(name: string): Promise<void> {
    await this.db.execProtocolStream(concat([serialize.close({ type: 'S', name }), serialize.sync()]), {
      syncToFs: false,
    });
  }

  async #forgetAll(): Promise<void> {
    const names = [...this.#statements.values()].map((statement) => statement.name);
    this.#statements.clear();
    for (const name of names) await this.#close(name).catch(() => {});
  }
}
