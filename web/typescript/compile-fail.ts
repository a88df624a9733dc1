// What the generated types refuse. Each `@ts-expect-error` line must be a type error: if one
// compiles, tsc fails with "Unused '@ts-expect-error' directive", so this file proves each refusal.
import { sendEventArgs, route, type AwChatMessageReceivedV1, type ChatAttachment } from "./partner-events";

// sending an event the host sends (a received event)
// @ts-expect-error "aw-interaction-hold-v1" is not a send event
sendEventArgs("aw-interaction-hold-v1", { interactionId: "i", schemaVersion: "1.0.0" });

// a payload missing a required field
// @ts-expect-error `message` is missing
sendEventArgs("aw-chat-message-received-v1", { interactionId: "i", schemaVersion: "1.0.0" });

// a payload of the wrong schema version
sendEventArgs("aw-chat-message-received-v1", {
  interactionId: "i",
  message: "hi",
  // @ts-expect-error the schemaVersion is the literal "1.0.0"
  schemaVersion: "2.0.0",
});

// optional is not nullable: `thumbnailUrl?: string` refuses null
const attachment: ChatAttachment = {
  filename: "a.png",
  id: "a",
  size: 1,
  type: "image",
  // @ts-expect-error optional, not nullable
  thumbnailUrl: null,
};

// nullable is not optional: `meta` may be null or absent here, but an enum refuses other strings
const other: ChatAttachment = {
  ...attachment,
  // @ts-expect-error not one of the enum's values
  type: "video",
};

// a handler's payload is the event's type
route({}, {
  // @ts-expect-error a hold has no `messages`
  "aw-interaction-hold-v1": (hold) => hold.messages,
});

// a handler for an event that does not exist
// @ts-expect-error not an event of the catalog
route({}, { "aw-no-such-event-v1": () => undefined });

export const used: [AwChatMessageReceivedV1 | null, ChatAttachment] = [null, other];
