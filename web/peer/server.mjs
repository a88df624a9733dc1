// The Node.js peer of partner-bridge, for the load benchmark (scripts/bridge-bench): a plain
// server on the same plain wire, written as a JavaScript team would write it. `ws` for the
// socket, `JSON.parse`, a zod v4 `safeParse` of each chat-init payload, and one
// `{"sendEvent":…}` frame back per chat, as the Rust example app answers.
//
//   node web/peer/server.mjs [--port PORT]     prints "node-peer listening on http://127.0.0.1:PORT"
import { WebSocketServer } from "ws";
import { z } from "zod";

const port = Number(process.argv[process.argv.indexOf("--port") + 1] || 0) || 0;

// aw-chat-init-v1 1.0.0, as the catalog has it (ChatMessage's fields)
const ChatAuthor = z.object({ id: z.string().optional(), name: z.string().optional(), type: z.string().optional() });
const ChatMessage = z.object({
  attachments: z.array(z.unknown()).optional(),
  author: ChatAuthor.optional(),
  botName: z.string().optional(),
  displayName: z.string().optional(),
  id: z.string(),
  isBot: z.boolean().optional(),
  isDeleted: z.boolean().optional(),
  lastUpdatedTimestamp: z.number().optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
  msgStatus: z.string().optional(),
  originalMessage: z.string().optional(),
  rawMessage: z.union([z.string(), z.record(z.string(), z.string())]),
  resent: z.boolean().optional(),
  timestamp: z.number(),
});
const ChatInit = z.object({
  interactionId: z.string(),
  messages: z.array(ChatMessage),
  schemaVersion: z.literal("1.0.0"),
});

const server = new WebSocketServer({ host: "127.0.0.1", port, maxPayload: 1024 * 1024 });
server.on("listening", () => console.log(`node-peer listening on http://127.0.0.1:${server.address().port}`));
server.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => {
    if (isBinary) {
      socket.send(JSON.stringify({ error: { message: "a binary frame is not an SDK message" } }));
      return;
    }
    let message;
    try {
      message = JSON.parse(data);
    } catch (error) {
      socket.send(JSON.stringify({ error: { message: `not JSON: ${error.message}` } }));
      return;
    }
    if (message?.type !== "event" || message.message?.eventName !== "aw-chat-init-v1") return;
    const chat = ChatInit.safeParse(message.message.value);
    if (!chat.success) {
      socket.send(JSON.stringify({ error: { message: chat.error.message } }));
      return;
    }
    const data_ = {
      interactionId: chat.data.interactionId,
      message: `Hello from the Node.js peer: I read ${chat.data.messages.length} message(s) of this chat.`,
      schemaVersion: "1.0.0",
    };
    socket.send(JSON.stringify({ sendEvent: { name: "aw-chat-message-received-v1", data: data_ } }));
  });
});
