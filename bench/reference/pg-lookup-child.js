/**
 * A reference child process for `bench/sandbox.bench.ts`: the least a process boundary can cost on a pg
 * lookup. It reads one email per line from fd 3 (a socket pair, as the sandbox's children use), runs the
 * lookup on a pg Pool and writes the row back as one line of JSON. No framing, no script, no vm, no
 * permission model or limits: what remains is two process hand-offs more than a query from the host.
 *
 * Usage: node pg-lookup-child.js <connection string> <sql with one parameter>
 */
import net from 'node:net';
import pg from 'pg';

const [connectionString, sql] = process.argv.slice(2);
const pool = new pg.Pool({ connectionString, max: 10 });
const channel = new net.Socket({ fd: 3, readable: true, writable: true });
let buffered = '';
channel.setEncoding('utf8');
channel.on('data', (text) => {
  buffered += text;
  for (let end = buffered.indexOf('\n'); end >= 0; end = buffered.indexOf('\n')) {
    const email = buffered.slice(0, end);
    buffered = buffered.slice(end + 1);
    pool.query(sql, [email]).then(
      (result) => channel.write(`${JSON.stringify(result.rows[0] ?? null)}\n`),
      (error) => channel.write(`${JSON.stringify({ error: error.message })}\n`),
    );
  }
});
channel.on('close', () => void pool.end().finally(() => process.exit(0)));
