// @ts-check
/**
 * Length-prefixed frames for the host↔child pipe: a 4-byte big-endian length, then that many bytes of
 * UTF-8 JSON. Used on both sides (the host imports this file too). Node's built-in IPC is not used
 * because it has no size limit: a hostile child could make the host buffer and parse without bound.
 * Here the reader checks every length against a maximum before buffering the body.
 */

const HEADER_BYTES = 4;

/**
 * Encodes one message as a frame.
 * @param {unknown} message
 * @returns {Buffer}
 */
export function encodeFrame(message) {
  let json;
  try {
    // A replacer function takes JSON.stringify off its fast path (several times slower), so it is
    // only used when the plain call fails, which in practice means a BigInt somewhere.
    json = JSON.stringify(message);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    json = JSON.stringify(message, jsonReplacer);
  }
  const length = Buffer.byteLength(json);
  const frame = Buffer.allocUnsafe(HEADER_BYTES + length);
  frame.writeUInt32BE(length, 0);
  frame.write(json, HEADER_BYTES);
  return frame;
}

/**
 * JSON cannot hold BigInt (drivers return it for 64-bit integers): send it as a decimal string.
 * @param {string} _key
 * @param {unknown} value
 */
export function jsonReplacer(_key, value) {
  return typeof value === 'bigint' ? value.toString() : value;
}

export class FrameTooLargeError extends Error {
  /** @param {number} length @param {number} max */
  constructor(length, max) {
    super(`frame of ${length} bytes exceeds the maximum of ${max} bytes`);
    this.name = 'FrameTooLargeError';
    this.length = length;
  }
}

/**
 * Incremental reader: feed it chunks as they arrive, it calls `onMessage` for every complete frame.
 * A frame whose declared length exceeds `maxFrameBytes` throws FrameTooLargeError before any of its
 * body is buffered; after that the stream is unusable and the caller must close it.
 */
export class FrameDecoder {
  /**
   * @param {number} maxFrameBytes
   * @param {(message: any) => void} onMessage
   */
  constructor(maxFrameBytes, onMessage) {
    this.maxFrameBytes = maxFrameBytes;
    this.onMessage = onMessage;
    /** @type {Buffer[]} */
    this.chunks = [];
    this.buffered = 0;
    /** Body length of the partial frame in `chunks`, -1 while its header is incomplete. */
    this.expected = -1;
  }

  /** @param {Buffer} chunk */
  push(chunk) {
    let buf = chunk;
    if (this.buffered > 0) {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      if (this.expected < 0) {
        if (this.buffered < HEADER_BYTES) return;
        const head = Buffer.concat(this.chunks, this.buffered);
        this.chunks = [head];
        this.expected = head.readUInt32BE(0);
        this.checkLength(this.expected);
      }
      if (this.buffered < HEADER_BYTES + this.expected) return;
      buf =
        this.chunks.length === 1
          ? /** @type {Buffer} */ (this.chunks[0])
          : Buffer.concat(this.chunks, this.buffered);
      this.chunks = [];
      this.buffered = 0;
      this.expected = -1;
    }
    // Common case: the chunk holds whole frames, parsed straight out of it.
    let offset = 0;
    while (buf.length - offset >= HEADER_BYTES) {
      const length = buf.readUInt32BE(offset);
      this.checkLength(length);
      const end = offset + HEADER_BYTES + length;
      if (end > buf.length) break;
      const message = JSON.parse(buf.toString('utf8', offset + HEADER_BYTES, end));
      offset = end;
      this.onMessage(message);
    }
    if (offset < buf.length) {
      const rest = buf.subarray(offset);
      this.chunks = [rest];
      this.buffered = rest.length;
      this.expected = rest.length >= HEADER_BYTES ? rest.readUInt32BE(0) : -1;
    }
  }

  /** @param {number} length */
  checkLength(length) {
    if (length > this.maxFrameBytes) throw new FrameTooLargeError(length, this.maxFrameBytes);
  }
}

/**
 * Batches frames written in one turn of the event loop into a single write: under load many results
 * complete together and one syscall beats dozens. A lone frame still leaves within the same turn.
 */
export class FrameWriter {
  /** @param {{ write(data: Buffer): unknown }} stream */
  constructor(stream) {
    this.stream = stream;
    /** @type {Buffer[]} */
    this.pending = [];
    this.scheduled = false;
    this.flush = this.flush.bind(this);
  }

  /** @param {Buffer} frame */
  write(frame) {
    this.pending.push(frame);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(this.flush);
    }
  }

  flush() {
    this.scheduled = false;
    const frames = this.pending;
    if (frames.length === 0) return;
    this.pending = [];
    this.stream.write(frames.length === 1 ? /** @type {Buffer} */ (frames[0]) : Buffer.concat(frames));
  }
}
