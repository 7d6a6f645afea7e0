/* Typed device errors. Expected trouble (bad options, CRC failures, unplugged ports) carries a code the
 * agent can map to a reading quality or a command result without parsing messages. */

export type DeviceErrorCode =
  | "bad-options"
  | "unknown-model"
  | "missing-hardware"
  | "no-data"
  | "io"
  | "bad-data"
  | "bad-value"
  | "closed"
  | "gpio-chip-not-found"
  | "timeout";

export class DeviceError extends Error {
  override name = "DeviceError";
  constructor(
    readonly code: DeviceErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface OptionIssue {
  /** Dotted key path inside the device options, e.g. "waveform.periodMs" or "pins.0". */
  path: string;
  message: string;
}

export class DeviceOptionsError extends DeviceError {
  override name = "DeviceOptionsError";
  constructor(
    readonly model: string,
    readonly issues: readonly OptionIssue[],
  ) {
    super(
      "bad-options",
      `${model}: ${issues.map((i) => `${i.path || "(options)"}: ${i.message}`).join("; ")}`,
    );
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
