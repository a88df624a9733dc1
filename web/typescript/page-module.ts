// The bridge's page module and its declarations agree: the JavaScript (checked with checkJs
// against the types its JSDoc names) has the type the package declares.
import { BUFFER_LIMIT, PROTOCOL, connectBridge } from "../../bridge/page/partner-events-bridge.js";
import type * as Declared from "../../bridge/page/types.js";

export const implementation: typeof Declared.connectBridge = connectBridge;
export const protocol: typeof Declared.PROTOCOL = PROTOCOL;
export const limit: typeof Declared.BUFFER_LIMIT = BUFFER_LIMIT;
