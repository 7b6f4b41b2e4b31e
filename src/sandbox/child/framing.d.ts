/** Types for framing.js, shared by the host (TypeScript) and the child (JavaScript). */
export declare function encodeFrame(message: unknown): Buffer;
export declare function jsonReplacer(key: string, value: unknown): unknown;
export declare class FrameTooLargeError extends Error {
  readonly length: number;
  constructor(length: number, max: number);
}
export declare class FrameDecoder {
  maxFrameBytes: number;
  // The message is JSON from the other process: its reader validates what it uses.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  constructor(maxFrameBytes: number, onMessage: (message: any) => void);
  push(chunk: Buffer): void;
}
export declare class FrameWriter {
  constructor(stream: { write(data: Buffer): unknown });
  write(frame: Buffer): void;
  flush(): void;
}
