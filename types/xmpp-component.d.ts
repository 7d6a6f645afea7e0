/* Types for @xmpp/component-core 0.13.1 (the core of @xmpp/component), which ships none: only
 * what shared/xmpp/component.ts uses. */
declare module "@xmpp/component-core" {
  import type { EventEmitter } from "node:events";
  import type { Socket } from "node:net";
  import type { Element } from "@xmpp/xml";

  class Component extends EventEmitter {
    constructor(options: { service: string; domain: string });
    status: string;
    jid: { toString(): string } | null;
    options: { service?: string; domain?: string; lang?: string };
    socket: (Socket & { socket?: Socket }) | null;
    parser: { emit(event: "error", error: Error): boolean } | null;
    send(element: Element): Promise<void>;
    connect(service: string): Promise<unknown>;
    open(options: { domain?: string; lang?: string }): Promise<unknown>;
    disconnect(): Promise<unknown>;
    stop(): Promise<unknown>;
    /** XEP-0114 §3: sends SHA-1(streamId + secret), resolves when the server accepts it. */
    authenticate(streamId: string, password: string): Promise<void>;
    _onData(data: Buffer | string): void;
    _onElement(element: Element): void;
    _attachParser(parser: object): void;
    _detachParser(): void;
    /** Sends `<stream:error><condition/></stream:error>`, closes the stream and the socket. */
    _streamError(condition: string): Promise<unknown>;
  }

  const core: { Component: typeof Component };
  export default core;
  export type { Component };
}
