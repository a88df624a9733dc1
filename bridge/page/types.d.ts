// Types of partner-events-bridge.js, the page side of the partner-events bridge (this package's
// `types`). The module is JavaScript, so that the bridge crate can serve it as it is; its JSDoc
// names these types, and `tsc -p web/typescript` checks the module against them (checkJs), and
// these declarations against the module.

/** The subprotocol of the acknowledged protocol. */
export declare const PROTOCOL: "partner-events.v1";

/** How much the page keeps for the server until acknowledged. */
export interface BufferLimit {
  /** At most this many messages. */
  readonly messages: number;
  /** At most this many bytes of frames. */
  readonly bytes: number;
}

/** What the page keeps for the server by default: 10,000 messages and 16 MiB. */
export declare const BUFFER_LIMIT: Readonly<BufferLimit>;

/** The part of the partner SDK (`@8x8/pui-partner-comm`) the bridge uses: pass the module. */
export interface PartnerSdk {
  readonly system: {
    initialise(options: AppInfo & { readonly onMessage: (message: unknown) => void }): unknown;
    sendEvent(name: string, data: unknown): unknown;
  };
}

/** The app's identity, as the SDK's `system.initialise` takes it. */
export interface AppInfo {
  readonly appName: string;
  readonly appVersion: string;
  readonly vendor: string;
  readonly [key: string]: unknown;
}

/** Where a message the page forwards came from: the host (an SDK message) or the page itself. */
export type MessageSource = "host" | "page";

/** What happens, as it happens, for logs and status lines. */
export type BridgeEvent =
  | { readonly kind: "open"; readonly url: string; readonly resumed: boolean; readonly resent: number }
  | { readonly kind: "closed"; readonly code: number; readonly reason: string; readonly reconnectInMs: number }
  | { readonly kind: "forwarded"; readonly source: MessageSource; readonly message: unknown }
  | { readonly kind: "queued"; readonly source: MessageSource; readonly message: unknown; readonly queued: number }
  | {
      readonly kind: "dropped";
      /** `full`: past the buffer's bound; `tooLarge`: over the server's size limit (its welcome
       * says it), which would end every connection it was sent on. */
      readonly reason: "full" | "tooLarge";
      readonly source: MessageSource;
      /** The message (`undefined` for one numbered before the server said its limit, and skipped
       * in the first welcome's resend). */
      readonly message: unknown;
      readonly count: number;
      readonly total: number;
    }
  | { readonly kind: "reply"; readonly name: string; readonly data: unknown; readonly id: string }
  | { readonly kind: "page"; readonly message: unknown; readonly id: string }
  | { readonly kind: "error"; readonly message: string; readonly seq?: number };

/** Options of {@link connectBridge}. `ToPage` is what the server's `Session::send_to_page` sends
 * (its serde type), `FromPage` what the page sends to the server's `PageHandler`. */
export interface BridgeOptions<ToPage = unknown, FromPage = unknown> {
  /** The partner SDK module (not bundled by the bridge). */
  readonly sdk: PartnerSdk;
  /** The app's identity for `system.initialise`. */
  readonly app: AppInfo;
  /** The server's WebSocket URL (default: `/events` on this page's host). */
  readonly url?: string | URL;
  /** A session token for the server's `authorize`, sent in the hello frame, never in a URL. */
  readonly token?: string | undefined;
  /** How much to keep until acknowledged (default {@link BUFFER_LIMIT}). */
  readonly buffer?: BufferLimit;
  /** Reconnection back-off (default 250 ms doubling to 8 s, with jitter). */
  readonly backoff?: { readonly initialMs: number; readonly maxMs: number };
  /** The server's own messages to this page, once each, in order. */
  readonly onPageMessage?: (message: ToPage, info: { readonly id: string }) => void;
  /** What happens, as it happens. */
  readonly onEvent?: (event: BridgeEvent) => void;
}

/** Counters since the page loaded. */
export interface BridgeStats {
  forwarded: number;
  queued: number;
  resent: number;
  dropped: number;
  replies: number;
  pageMessages: number;
  duplicates: number;
  errors: number;
  connections: number;
}

/** A connected bridge. */
export interface Bridge<FromPage = unknown> {
  /** Counters since the page loaded. */
  readonly stats: BridgeStats;
  /** Messages kept until the server acknowledges them. */
  readonly queued: number;
  /** The page's session id (stable across reloads of the page). */
  readonly session: string;
  /** Sends the page's own JSON to the server's `PageHandler`, in order with the events, once.
   * `false` when the buffer is full (reported as a `dropped` event). */
  send(message: FromPage): boolean;
  /** Drops the connection and reconnects, resuming the session (as after a network blip). */
  reconnect(): void;
  /** Stops reconnecting and closes the socket. */
  close(): void;
}

/**
 * Connects the partner SDK in the page to a partner-events bridge server over the acknowledged
 * protocol: calls `sdk.system.initialise({...app, onMessage})`, forwards every message numbered,
 * keeps each until the server acknowledges it, resends after a reconnect, and applies the
 * server's replies and page messages once each.
 */
export declare function connectBridge<ToPage = unknown, FromPage = unknown>(
  options: BridgeOptions<ToPage, FromPage>,
): Bridge<FromPage>;
