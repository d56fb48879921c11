import { describe, expect, it } from 'vitest';
import { TextBuffer } from '../../src/rows/text-buffer.js';

describe('TextBuffer', () => {
  it('holds the lines written since the last reset, as UTF-8, growing as needed', () => {
    const text = new TextBuffer();
    text.reset();
    const long = 'é😀x'.repeat(400_000);
    text.line('first');
    text.line(long);
    text.line('');
    expect(text.view().toString('utf8')).toBe(`first\n${long}\n\n`);
    text.reset();
    text.line('again');
    expect(text.view().toString('utf8')).toBe('again\n');
  });
});
