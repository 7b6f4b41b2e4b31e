import { describe, expect, it } from 'vitest';
import { FrameDecoder, FrameTooLargeError, encodeFrame } from './child/framing.js';

describe('framing', () => {
  it('decodes frames split anywhere and batched together', () => {
    const messages = [
      { t: 'a', n: 1 },
      { t: 'b', s: 'é'.repeat(1000) },
      { t: 'c', big: 12n },
    ];
    const bytes = Buffer.concat(messages.map(encodeFrame));
    for (const step of [1, 3, 7, 1000, bytes.length]) {
      const seen: unknown[] = [];
      const decoder = new FrameDecoder(1 << 20, (m) => seen.push(m));
      for (let i = 0; i < bytes.length; i += step) decoder.push(bytes.subarray(i, i + step));
      expect(seen, `step ${step}`).toEqual([messages[0], messages[1], { t: 'c', big: '12' }]);
    }
  });

  it('refuses a frame over the maximum before buffering its body', () => {
    const decoder = new FrameDecoder(100, () => {});
    const header = Buffer.alloc(4);
    header.writeUInt32BE(1_000_000);
    expect(() => decoder.push(header)).toThrow(FrameTooLargeError);
    const split = new FrameDecoder(100, () => {});
    split.push(header.subarray(0, 2));
    expect(() => split.push(header.subarray(2))).toThrow(FrameTooLargeError);
  });
});
