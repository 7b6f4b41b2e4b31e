import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PreparedStatements } from '../../src/store/pglite-statements.js';

describe('prepared statements on embedded PGlite', () => {
  let dir: string;
  let db: PGlite;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'gh-pgl-'));
    db = new PGlite(dir);
    await db.exec(`
      CREATE TABLE things (
        id serial PRIMARY KEY, name text UNIQUE, at timestamptz, doc jsonb, flag boolean,
        data bytea, tags text[], n bigint, ratio double precision
      )`);
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the same rows as query() for every kind of value, both ways', async () => {
    const statements = new PreparedStatements(db);
    const params = [
      'alpha',
      new Date('2026-01-02T03:04:05.678Z'),
      JSON.stringify({ a: [1, 'two'] }),
      true,
      Buffer.from([0, 1, 254, 255]),
      ['x', 'y,z', 'quote"d'],
      '9007199254740993',
      0.25,
    ];
    const insert =
      'INSERT INTO things (name, at, doc, flag, data, tags, n, ratio) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *';
    type Row = Record<string, unknown>;
    const mine = await statements.execute<Row>(insert, params);
    const theirs = await db.query<Row>(insert, ['beta', ...params.slice(1)]);
    expect({ ...mine.rows[0], id: 0, name: '' }).toEqual({ ...theirs.rows[0], id: 0, name: '' });
    expect(mine.affectedRows).toBe(1);
    expect(mine.command).toBe('INSERT');
    const select = 'SELECT * FROM things WHERE name = $1 AND flag = $2';
    expect((await statements.execute(select, ['alpha', true])).rows).toEqual(
      (await db.query(select, ['alpha', true])).rows,
    );
    expect((await statements.execute(select, [null, true])).rows).toEqual([]);
  });

  it('prepares each SQL text once and keeps at most its limit, least recently used out first', async () => {
    const statements = new PreparedStatements(db, 3);
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 5; i++) {
        const { rows } = await statements.execute(`SELECT $1::int + ${i} AS v`, [round]);
        expect(rows).toEqual([{ v: round + i }]);
      }
    }
    expect(statements.size).toBe(3);
    const { rows } = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name LIKE 'gh_%'",
    );
    // The statements of the first test's instance, plus this one's three.
    expect(rows[0]!.n).toBeLessThanOrEqual(3 + 3);
  });

  it('passes database errors through with their code, and remembers nothing that failed to parse', async () => {
    const statements = new PreparedStatements(db);
    await expect(
      statements.execute('INSERT INTO things (name) VALUES ($1)', ['alpha']),
    ).rejects.toMatchObject({
      code: '23505',
    });
    await expect(statements.execute('SELEKT $1', [1])).rejects.toMatchObject({ code: '42601' });
    const before = statements.size;
    await expect(statements.execute('SELEKT $1', [1])).rejects.toMatchObject({ code: '42601' });
    expect(statements.size).toBe(before);
  });

  it('survives a rolled-back transaction and a change of the table under a prepared statement', async () => {
    const statements = new PreparedStatements(db);
    const select = 'SELECT * FROM things WHERE name = $1';
    await db.exec('BEGIN');
    await statements.execute(select, ['alpha']);
    await db.exec('ROLLBACK');
    expect((await statements.execute(select, ['alpha'])).rows).toHaveLength(1);
    await db.exec('ALTER TABLE things ADD COLUMN extra text');
    const { rows } = await statements.execute(select, ['alpha']);
    expect(rows[0]).toHaveProperty('extra', null);
  });
});
