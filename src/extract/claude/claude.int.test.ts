/**
 * The Claude extractor through the REAL @anthropic-ai/sdk against a local HTTP
 * stub of the Messages API: tool_use replies, 429 with retry-after, 529, 500,
 * a slow reply hitting the timeout, malformed tool input, and caller aborts.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { IntakeError } from '../../core/errors.ts';
import { goodToolInput, LINE, referralLayout } from './fixtures.ts';
import { createClaudeExtractor, type ClaudeExtractorOptions } from './index.ts';
import { errorReply, startMessagesStub, textReply, toolUseReply, type MessagesStub } from './messages-stub.ts';
import { TOOL_NAME } from './schema.ts';

let stub: MessagesStub;

beforeAll(async () => {
  stub = await startMessagesStub();
});
afterAll(async () => {
  await stub.close();
});
beforeEach(() => {
  stub.requests.length = 0;
  stub.fallback = () => errorReply(500);
});

function extractor(overrides: Partial<ClaudeExtractorOptions> = {}) {
  return createClaudeExtractor({
    apiKey: 'sk-test-key',
    baseURL: stub.url,
    model: 'claude-sonnet-5-5',
    timeoutMs: 5_000,
    maxRetries: 2,
    retry: { baseDelayMs: 5, maxDelayMs: 20, maxRetryAfterMs: 1_000 },
    ...overrides,
  });
}

async function failure(promise: Promise<unknown>): Promise<IntakeError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(IntakeError);
    return err as IntakeError;
  }
  throw new Error('expected a failure');
}

describe('Claude extractor against a Messages API stub', () => {
  it('sends numbered lines with a forced tool call and maps cited values to evidence', async () => {
    stub.enqueue(toolUseReply(goodToolInput(), { input_tokens: 2_000, output_tokens: 500 }));
    const result = await extractor().extract(referralLayout());

    expect(stub.requests).toHaveLength(1);
    const req = stub.requests[0]!;
    expect(req.path).toBe('/v1/messages');
    expect(`${req.headers['x-api-key'] ?? ''} ${req.headers['authorization'] ?? ''}`).toContain('sk-test-key');
    expect(req.body['model']).toBe('claude-sonnet-5-5');
    expect(req.body['tool_choice']).toMatchObject({ type: 'auto' });
    expect((req.body['tools'] as Array<{ name: string }>).map((t) => t.name)).toEqual([TOOL_NAME]);
    const content = (req.body['messages'] as Array<{ content: string }>)[0]!.content;
    expect(content).toContain(`${LINE.name}: Patient Name: Doe, Jane A.`);
    expect(String(req.body['system'])).toContain('DATA');

    expect(result.documentType).toBe('referral');
    expect(result.fields['patient.lastName']).toMatchObject({ value: 'Doe', page: 2, confidence: 0.9 });
    expect(result.fields['patient.lastName']!.bbox[1]).toBe(72 + (LINE.name - 5) * 14);
    expect(result.fields['patient.dob']!.value).toBe('1962-03-14');
    expect(result.usage).toMatchObject({ inputTokens: 2_000, outputTokens: 500, attempts: 1, costUsd: 0.009 });
  });

  it('reads the tool call after a thinking block', async () => {
    const reply = toolUseReply(goodToolInput());
    const body = reply.body as { content: unknown[] };
    body.content.unshift({ type: 'thinking', thinking: 'The patient line is 6.', signature: 'sig' });
    stub.enqueue(reply);
    const result = await extractor().extract(referralLayout());
    expect(result.fields['patient.firstName']?.value).toBe('Jane');
  });

  it('retries a 429 after its retry-after, then succeeds', async () => {
    const arrivals: number[] = [];
    stub.enqueue(
      () => (arrivals.push(Date.now()), errorReply(429, { 'retry-after': '1' })),
      () => (arrivals.push(Date.now()), toolUseReply(goodToolInput())),
    );
    const result = await extractor().extract(referralLayout());
    expect(stub.requests).toHaveLength(2);
    expect(result.usage.attempts).toBe(2);
    // The wait came from retry-after (1 s), not from the 5 ms backoff.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(900);
  });

  it('does not wait out a retry-after beyond its bound', async () => {
    stub.enqueue(errorReply(429, { 'retry-after': '3600' }));
    const err = await failure(extractor().extract(referralLayout()));
    expect(err.code).toBe('LLM_UNAVAILABLE');
    expect(err.details).toMatchObject({ status: 429, attempts: 1, retryAfterMs: 3_600_000 });
    expect(stub.requests).toHaveLength(1);
  });

  it('retries 529 and 500 with backoff', async () => {
    stub.enqueue(errorReply(529), errorReply(500), toolUseReply(goodToolInput()));
    const result = await extractor().extract(referralLayout());
    expect(result.usage.attempts).toBe(3);
    expect(stub.requests).toHaveLength(3);
  });

  it('gives up with LLM_UNAVAILABLE when retries run out', async () => {
    const err = await failure(extractor({ maxRetries: 2 }).extract(referralLayout()));
    expect(err.code).toBe('LLM_UNAVAILABLE');
    expect(err.details).toMatchObject({ status: 500, attempts: 3, kind: 'http' });
    expect(stub.requests).toHaveLength(3);
    expect(err.message).not.toContain('Doe');
  });

  it('does not retry a request the API rejects as bad', async () => {
    stub.enqueue(errorReply(400));
    const err = await failure(extractor().extract(referralLayout()));
    expect(err.details).toMatchObject({ status: 400, attempts: 1 });
    expect(stub.requests).toHaveLength(1);
  });

  it('times out a slow reply, retries, then gives up', async () => {
    stub.fallback = () => ({ ...toolUseReply(goodToolInput()), delayMs: 3_000 });
    const err = await failure(extractor({ timeoutMs: 150, maxRetries: 1 }).extract(referralLayout()));
    expect(err.code).toBe('LLM_UNAVAILABLE');
    expect(err.details).toMatchObject({ kind: 'timeout', attempts: 2 });
    expect(stub.requests).toHaveLength(2);
  });

  it('reports malformed tool input and text-only replies as LLM_INVALID_OUTPUT with the tokens spent', async () => {
    stub.enqueue(toolUseReply({ documentType: 'maybe', fields: 'lots' }, { input_tokens: 900, output_tokens: 40 }));
    const err = await failure(extractor().extract(referralLayout()));
    expect(err.code).toBe('LLM_INVALID_OUTPUT');
    expect(err.details?.['usage']).toMatchObject({ inputTokens: 900, outputTokens: 40 });
    expect(err.details?.['toolCalled']).toBe(true);

    stub.enqueue(textReply('I cannot help with that.'));
    const err2 = await failure(extractor().extract(referralLayout()));
    expect(err2.code).toBe('LLM_INVALID_OUTPUT');
    expect(err2.details?.['toolCalled']).toBe(false);
  });

  it('keeps the valid items of a partly malformed call', async () => {
    const input = goodToolInput();
    (input['fields'] as unknown[]).push({ field: 'patient.favouriteColour', value: 'blue', lines: [1] }, { value: 3 });
    stub.enqueue(toolUseReply(input));
    const result = await extractor().extract(referralLayout());
    expect(result.droppedItems).toBe(2);
    expect(Object.keys(result.fields)).toHaveLength(12);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    // Abort once the stub holds the request, so no half-sent request leaks into the next test.
    stub.fallback = () => {
      setTimeout(() => controller.abort(), 20);
      return { ...toolUseReply(goodToolInput()), delayMs: 3_000 };
    };
    const err = await failure(extractor().extract(referralLayout(), controller.signal));
    expect(err.code).toBe('STAGE_TIMEOUT');
    expect(stub.requests).toHaveLength(1);
  });

  it('honours the base URL for an on-premises endpoint under a path prefix', async () => {
    stub.enqueue(toolUseReply(goodToolInput()));
    await extractor({ baseURL: `${stub.url}/anthropic` }).extract(referralLayout());
    expect(stub.requests[0]!.path).toBe('/anthropic/v1/messages');
  });
});
