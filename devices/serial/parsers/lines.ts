/* Splits a byte stream into text lines ending in "\n" or "\r\n". A line longer than the limit is an
 * overflow error; the splitter then drops bytes until the next newline (resync). */
import type { FrameError } from "./frame";

export interface LineSplitter {
  /** Lines and overflow errors in stream order. */
  push(chunk: Uint8Array): { entries: (string | FrameError)[]; skipped: number };
  reset(): void;
}

export function lineSplitter(maxLength = 1024): LineSplitter {
  const decoder = new TextDecoder("utf-8");
  let partial = "";
  let discarding = false;
  return {
    reset() {
      partial = "";
      discarding = false;
    },
    push(chunk) {
      const text = partial + decoder.decode(chunk, { stream: true });
      const parts = text.split("\n");
      partial = parts.pop() ?? "";
      const entries: (string | FrameError)[] = [];
      let skipped = 0;
      for (const part of parts) {
        if (discarding) {
          discarding = false;
          skipped += part.length + 1;
          continue;
        }
        const line = part.endsWith("\r") ? part.slice(0, -1) : part;
        if (line.length > maxLength) {
          entries.push(overflow(maxLength));
        } else if (line.length > 0) {
          entries.push(line);
        }
      }
      if (partial.length > maxLength) {
        if (!discarding) entries.push(overflow(maxLength));
        discarding = true;
        skipped += partial.length;
        partial = "";
      }
      return { entries, skipped };
    },
  };
}

const overflow = (maxLength: number): FrameError => ({
  kind: "overflow",
  message: `line longer than ${maxLength} characters`,
});

/** NMEA-style checksum: XOR of the characters' codes. */
export function xorChecksum(text: string): number {
  let x = 0;
  for (let i = 0; i < text.length; i++) x ^= text.charCodeAt(i);
  return x;
}
