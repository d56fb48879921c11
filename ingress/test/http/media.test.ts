import { describe, expect, it } from 'vitest';
import { acceptsEventStream, isJsonContentType, negotiateResponseMode } from '../../src/http/media.js';

describe('content negotiation', () => {
  it.each([
    ['application/json, text/event-stream', 'json'],
    ['text/event-stream, application/json', 'sse'],
    ['text/event-stream', 'sse'],
    ['application/json', 'json'],
    ['*/*', 'json'],
    [null, 'json'],
    ['application/json;q=0.5, text/event-stream', 'sse'],
    ['text/event-stream;q=0, */*', 'json'],
    ['text/html', null],
    ['application/json;q=0', null],
  ])('Accept %s → %s', (accept, mode) => {
    expect(negotiateResponseMode(accept)).toBe(mode);
  });

  it('needs text/event-stream listed for a GET stream', () => {
    expect(acceptsEventStream('text/event-stream')).toBe(true);
    expect(acceptsEventStream('application/json, text/event-stream;q=0.1')).toBe(true);
    expect(acceptsEventStream('*/*')).toBe(false);
    expect(acceptsEventStream(null)).toBe(false);
  });

  it('takes application/json with parameters as JSON', () => {
    expect(isJsonContentType('application/json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('Application/JSON')).toBe(true);
    expect(isJsonContentType('application/json-seq')).toBe(false);
    expect(isJsonContentType(null)).toBe(false);
  });
});
