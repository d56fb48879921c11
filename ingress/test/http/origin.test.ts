import { describe, expect, it } from 'vitest';
import { isOriginAllowed } from '../../src/http/origin.js';

describe('isOriginAllowed', () => {
  it('allows no Origin, loopback origins and listed origins only', () => {
    expect(isOriginAllowed(null, [])).toBe(true);
    expect(isOriginAllowed('http://localhost:3000', [])).toBe(true);
    expect(isOriginAllowed('https://[::1]', [])).toBe(true);
    expect(isOriginAllowed('https://app.example.com', ['https://app.example.com/'])).toBe(true);
    expect(isOriginAllowed('https://app.example.com:8443', ['https://app.example.com'])).toBe(false);
    expect(isOriginAllowed('http://localhost.evil.example', [])).toBe(false);
    expect(isOriginAllowed('file://localhost', [])).toBe(false);
    expect(isOriginAllowed('null', [])).toBe(false);
  });
});
