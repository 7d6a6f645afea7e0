/* The production SerialOpener over serialport 13 (docs/design.md §4). Nothing here sets DTR/RTS: those ioctls
 * fail on a pty and most sensors do not use them. `hupcl: false` keeps the modem lines as they are on
 * close. `list()` rejects where udevadm is missing; that becomes `ok: false`, never a crash. */
import { SerialPort } from "serialport";
import { DeviceError, errorMessage } from "../errors";
import { listeners } from "./listeners";
import type { SerialLink, SerialOpener, SerialOpenOptions } from "./types";

type PortInfo = Awaited<ReturnType<typeof SerialPort.list>>[number];

/** `list` is injectable so the udevadm-missing path can be tested anywhere. */
export function serialportOpener(
  deps: { list: () => Promise<PortInfo[]> } = { list: () => SerialPort.list() },
): SerialOpener {
  return {
    open: openSerialport,
    async list() {
      try {
        const ports = await deps.list();
        return {
          ok: true,
          ports: ports.map((p) => ({
            path: p.path,
            manufacturer: p.manufacturer,
            serialNumber: p.serialNumber,
            vendorId: p.vendorId,
            productId: p.productId,
          })),
        };
      } catch (error) {
        return { ok: false, error: `cannot list serial ports: ${errorMessage(error)}` };
      }
    },
  };
}

function openSerialport(options: SerialOpenOptions): Promise<SerialLink> {
  const port = new SerialPort({
    path: options.path,
    baudRate: options.baudRate,
    dataBits: options.dataBits ?? 8,
    stopBits: options.stopBits ?? 1,
    parity: options.parity ?? "none",
    hupcl: false,
    autoOpen: false,
  });
  return new Promise((resolve, reject) => {
    port.open((error) => {
      if (error)
        reject(new DeviceError("io", `cannot open ${options.path}: ${error.message}`, { cause: error }));
      else resolve(wrap(port));
    });
  });
}

function wrap(port: SerialPort): SerialLink {
  const data = listeners<[Uint8Array]>();
  const closed = listeners<[{ disconnected: boolean; error?: Error }]>();
  let done = false;
  const finish = (info: { disconnected: boolean; error?: Error }) => {
    if (done) return;
    done = true;
    closed.emit(info);
  };
  port.on("data", (chunk: Buffer) => data.emit(chunk));
  port.on("close", (error?: Error & { disconnected?: boolean }) =>
    finish(error ? { disconnected: error.disconnected === true, error } : { disconnected: false }),
  );
  // A zero-byte read (the other end of a pty went away) ends the stream without a close event.
  port.on("end", () => {
    finish({ disconnected: true, error: new DeviceError("io", "serial stream ended") });
    // Closing releases the file descriptor; a close error here means it is already gone.
    if (port.isOpen) port.close(() => undefined);
  });
  // Errors also arrive as a close (disconnect) or a rejected write; the listener keeps them from
  // becoming uncaught exceptions.
  port.on("error", () => undefined);
  return {
    onData: (l) => data.add(l),
    onClose: (l) => closed.add(l),
    write: (bytes) =>
      new Promise((resolve, reject) => {
        port.write(Buffer.from(bytes), (error) => (error ? reject(error) : resolve()));
      }),
    close: () =>
      new Promise((resolve) => {
        if (!port.isOpen) {
          finish({ disconnected: false });
          resolve();
          return;
        }
        // A close error still leaves the port unusable, and the caller only needs to know it is closed.
        port.close(() => {
          finish({ disconnected: false });
          resolve();
        });
      }),
  };
}
