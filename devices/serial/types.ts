/* The serial seam: drivers get a port through an opener, never by opening device paths themselves
 * (docs/design.md §7, convention 8). The default opener wraps serialport 13. */
import type { Unsubscribe } from "../../shared/clock";

export interface SerialOpenOptions {
  path: string;
  baudRate: number;
  dataBits?: 5 | 6 | 7 | 8;
  stopBits?: 1 | 2;
  parity?: "none" | "even" | "odd";
}

/** An open port: bytes in, bytes out, and a close notification that says whether it was unplugged. */
export interface SerialLink {
  onData(listener: (chunk: Uint8Array) => void): Unsubscribe;
  onClose(listener: (info: { disconnected: boolean; error?: Error }) => void): Unsubscribe;
  write(bytes: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

export interface SerialPortInfo {
  path: string;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

export interface SerialOpener {
  open(options: SerialOpenOptions): Promise<SerialLink>;
  /** Lists ports; resolves `ok: false` where enumeration is impossible (no udevadm), never rejects. */
  list(): Promise<{ ok: true; ports: SerialPortInfo[] } | { ok: false; error: string }>;
}
