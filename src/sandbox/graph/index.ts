/** The sandbox's Microsoft Graph mail API fake (see server.ts). */
export { authorizeMailbox, checkGraphToken, type MailOp } from "./access.js";
export { DEFAULT_DELTA_PAGE } from "./delta.js";
export { GraphFake, type GraphFakeOptions, type GraphRequestRecord } from "./server.js";
export type { GraphFaults, GraphSentMessage } from "./state.js";
export { WELL_KNOWN } from "./store.js";
