// A partner page's use of the generated module, type-checked in CI (`tsc -p web/typescript`):
// decode, route and the typed send helper, as the README shows them.
import * as partnerSDK from "@8x8/pui-partner-comm";
import {
  EVENTS,
  decode,
  route,
  sendEventArgs,
  type AwChatInitV1,
  type Decoded,
  type DecodedEvent,
} from "./partner-events";

export function greeting(message: unknown): string | null {
  const decoded = decode(message, { asOf: new Date(), sunset: "flag" });
  switch (decoded.outcome) {
    case "ok":
    case "newer_compatible":
      // narrowed by `event`: the payload is the event's own type
      if (decoded.event === "aw-chat-init-v1") {
        const chat: AwChatInitV1 = decoded.value;
        return `${chat.messages.length} message(s) in ${chat.interactionId}`;
      }
      if (decoded.event === "mashell-voice-phone-offered-cc-event-v1") {
        return `call offered: ${decoded.value.searchContext}`;
      }
      return decoded.lifecycle.status === "deprecated" ? `${decoded.event} is deprecated` : null;
    case "unknown_event":
    case "unknown_version":
      return `not in the catalog: ${decoded.event} ${decoded.schemaVersion ?? "(no version)"}`;
    case "not_event":
      return decoded.getEvents === null ? decoded.kind : Object.keys(decoded.getEvents).join(", ");
    case "invalid":
      return decoded.error;
  }
}

export function onMessage(message: unknown): Promise<void> | undefined {
  return route(message, {
    "aw-chat-init-v1": async (chat, decoded: DecodedEvent<"aw-chat-init-v1">) => {
      const first = chat.messages[0];
      if (first !== undefined && decoded.lifecycle.status === "active") {
        partnerSDK.system.sendEvent(
          ...sendEventArgs("aw-chat-message-received-v1", {
            interactionId: chat.interactionId,
            message: `Hello! You wrote: ${first.originalMessage ?? first.id}`,
            schemaVersion: "1.0.0",
          }),
        );
      }
    },
    "aw-interaction-hold-v1": async (hold) => {
      console.log("on hold", hold.interactionId);
    },
    fallback: async (other: Decoded) => {
      if (other.outcome === "invalid") console.warn(other.error);
    },
  });
}

// the lifecycle is data
export const sunsetDates: string[] = Object.values(EVENTS).flatMap((event) =>
  event.sunset === null ? [] : [event.sunset],
);
