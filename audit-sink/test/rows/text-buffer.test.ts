import { describe, expect, it } from 'vitest';
import { TextBuffer } from '../../src/rows/text-buffer.js';

const utf8 = (text: string): Buffer => Buffer.from(text, 'utf8');

describe('TextBuffer', () => {
  it('holds the bytes appended since the last reset, growing as needed', () => {
    const text = new TextBuffer();
    text.reset();
    const long = 'é😀x'.repeat(400_000);
    text.append(utf8('first\n'));
    text.append(utf8(`${long}\n`));
    text.append(utf8(''));
    expect(text.view().toString('utf8')).toBe(`first\n${long}\n`);
    text.reset();
    text.append(utf8('again\n'));
    expect(text.view().toString('utf8')).toBe('again\n');
  });
});
