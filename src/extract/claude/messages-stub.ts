/**
 * A local HTTP server that speaks enough of the Anthropic Messages API for the
 * tests to drive the REAL SDK through tool_use replies, error statuses,
 * retry-after headers and slow replies. Listens on 127.0.0.1, port 0. Test
 * support only: nothing in the service imports it.
 */
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface StubReply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
  /** Wait this long before answering (a client timeout closes the socket first). */
  delayMs?: number;
}

export type StubHandler = (req: StubRequest, index: number) => StubReply;

export interface MessagesStub {
  /** Base URL for the SDK's `baseURL`. */
  url: string;
  requests: StubRequest[];
  /** Replies used in order, one per request; then `fallback`. */
  enqueue(...replies: Array<StubReply | StubHandler>): void;
  fallback: StubHandler;
  close(): Promise<void>;
}

export interface Usage {
  input_tokens: number;
  output_tokens: number;
}

export function toolUseReply(input: unknown, usage: Usage = { input_tokens: 1200, output_tokens: 300 }): StubReply {
  return {
    status: 200,
    body: {
      id: 'msg_stub',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [{ type: 'tool_use', id: 'toolu_stub', name: 'record_document', input }],
      stop_reason: 'tool_use',
      stop_sequence: null,
      usage: { ...usage, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  };
}

export function textReply(text: string): StubReply {
  return {
    status: 200,
    body: {
      id: 'msg_stub',
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-5-5',
      content: [{ type: 'text', text }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: { input_tokens: 1000, output_tokens: 20, cache_creation_input_tokens: 0, cache_read_input_tokens: 0 },
    },
  };
}

export function errorReply(status: number, headers: Record<string, string> = {}): StubReply {
  const type =
    status === 429 ? 'rate_limit_error' : status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
  return { status, headers, body: { type: 'error', error: { type, message: `stub ${status}` } } };
}

export async function startMessagesStub(): Promise<MessagesStub> {
  const queue: Array<StubReply | StubHandler> = [];
  const requests: StubRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const stub: MessagesStub = {
    url: '',
    requests,
    enqueue: (...replies) => queue.push(...replies),
    fallback: () => errorReply(500),
    close: async () => {
      for (const t of timers) clearTimeout(t);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  const send = (res: ServerResponse, reply: StubReply) => {
    if (res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': 'application/json', 'request-id': 'req_stub', ...reply.headers });
    res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        body = {};
      }
      const request: StubRequest = { path: req.url ?? '', headers: req.headers, body };
      const index = requests.length;
      requests.push(request);
      const next = queue.shift() ?? stub.fallback;
      const reply = typeof next === 'function' ? next(request, index) : next;
      if (reply.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          send(res, reply);
        }, reply.delayMs);
        timers.add(t);
      } else {
        send(res, reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  stub.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return stub;
}
