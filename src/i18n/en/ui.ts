import type { UiCatalog } from "../types.js";

/** English UI strings (step names, labels, prompts). Keys are stable; add, do not rename. */
export const ui: UiCatalog = {
  "error.label": "Error",
  "error.why": "Why",
  "error.fix": "Fix",
  "error.graphRequestId": "Microsoft Graph request-id: {requestId} (give it to Microsoft support)",
};
