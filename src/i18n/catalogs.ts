/** Imports every area's catalog so they register. Import this once from entry points (CLI, library index). */
import { codes as deDiagnose, ui as deDiagnoseUi } from "./de/diagnose.js";
import { codes as enDiagnose, ui as enDiagnoseUi } from "./en/diagnose.js";
import { registerCatalog } from "./index.js";

registerCatalog("en", enDiagnose, enDiagnoseUi);
registerCatalog("de", deDiagnose, deDiagnoseUi);
