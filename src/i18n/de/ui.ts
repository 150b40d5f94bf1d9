import type { UiCatalog } from "../types.js";

/** Deutsche UI-Texte. Schlüssel wie in ../en/ui.ts. */
export const ui: UiCatalog = {
  "error.label": "Fehler",
  "error.why": "Ursache",
  "error.fix": "Lösung",
  "error.graphRequestId": "Microsoft-Graph-request-id: {requestId} (beim Microsoft-Support angeben)",
};
