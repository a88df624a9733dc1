// The baseline for the generated module's decode (web/bench/node-decode.mjs): the aw-chat-init-v1
// 1.0.0 payload written by hand as a partner would write it in zod 4, the same fields and kinds
// as catalog.yaml's, optional keys with `.optional()`, no annotations, no shared helpers.
import { z } from "zod";

const ChatAttachmentMeta = z.object({
  originalHeight: z.number(),
  originalWidth: z.number(),
  thumbnailContentType: z.string(),
  thumbnailHeight: z.number(),
  thumbnailWidth: z.number(),
});

const ChatAttachment = z.object({
  filename: z.string(),
  id: z.string(),
  meta: ChatAttachmentMeta.nullable().optional(),
  size: z.number(),
  thumbnailUrl: z.string().optional(),
  type: z.enum(["image", "document", "recording", "generic"]),
});

const ChatAuthor = z.object({
  email: z.string(),
  id: z.string(),
  name: z.string(),
});

const ChatMessageMeta = z.object({
  app: z.string(),
  conversation_id: z.string().optional(),
  conversation_message_id: z.string().optional(),
  has_cards: z.string().optional(),
  type: z.string(),
});

const ChatMessage = z.object({
  attachments: z.array(ChatAttachment).optional(),
  author: ChatAuthor.optional(),
  botName: z.string().optional(),
  displayName: z.string().optional(),
  id: z.string(),
  isBot: z.boolean().optional(),
  isDeleted: z.boolean().optional(),
  lastUpdatedTimestamp: z.number().optional(),
  meta: ChatMessageMeta.optional(),
  msgStatus: z.string().optional(),
  originalMessage: z.string().optional(),
  rawMessage: z.union([z.string(), z.record(z.string(), z.string())]),
  resent: z.boolean().optional(),
  timestamp: z.number(),
  translatedMessage: z.string().nullable().optional(),
  type: z.string(),
  variables: z.record(z.string(), z.string()).optional(),
});

/** `aw-chat-init-v1` 1.0.0, hand-written with `.optional()`. */
export const HandWrittenChatInit = z.object({
  interactionId: z.string(),
  messages: z.array(ChatMessage),
  schemaVersion: z.literal("1.0.0"),
});
