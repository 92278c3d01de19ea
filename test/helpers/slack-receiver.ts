/**
 * A local stand-in for a Slack incoming webhook: records every POST body and
 * answers with scripted statuses (429 with Retry-After, 5xx) before 200.
 */
import http from 'node:http';

export interface SlackReceiver {
  readonly url: string;
  /** Bodies of requests answered 200, parsed. */
  readonly delivered: Array<{ text: string; blocks?: unknown[] }>;
  /** Every request received, raw, whatever the answer. */
  readonly raw: string[];
  /** Statuses to answer with before going back to 200 (e.g. [429, 500]). */
  failNext(statuses: number[]): void;
  close(): Promise<void>;
}

export async function startSlackReceiver(): Promise<SlackReceiver> {
  const delivered: Array<{ text: string; blocks?: unknown[] }> = [];
  const raw: string[] = [];
  const script: number[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      raw.push(body);
      const status = script.shift() ?? 200;
      if (status === 200) delivered.push(JSON.parse(body) as { text: string });
      if (status === 429) res.setHeader('retry-after', '0');
      res.writeHead(status, { 'content-type': 'text/plain' });
      res.end(status === 200 ? 'ok' : 'rate_limited');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/services/T000/B000/XXXX`,
    delivered,
    raw,
    failNext: (statuses) => script.push(...statuses),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
