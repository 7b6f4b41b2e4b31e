/**
 * The HTTP client of the login benchmarks. It shares the machine's cores with the server it measures, so
 * it is kept cheap: node:http over a keep-alive agent (one socket per request in flight), bodies
 * serialised by the caller up front, rather than fetch.
 */
import http from 'node:http';

export interface BenchClient {
  /** POSTs a JSON body (already serialised); resolves with the status and the response text. */
  post(url: string, body: Buffer): Promise<{ status: number; text: string }>;
  close(): void;
}

export function benchClient(base: string, inFlight: number): BenchClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const post = (url: string, body: Buffer) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        base + url,
        {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': body.length },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  return { post, close: () => agent.destroy() };
}
