/** Imports every area's catalog so they register. Import this once from entry points (CLI, library index). */

import { authCodes as deAuth, authUi as deAuthUi } from "./de/auth.js";
import { codes as deDiagnose, ui as deDiagnoseUi } from "./de/diagnose.js";
import { authCodes as enAuth, authUi as enAuthUi } from "./en/auth.js";
import { codes as enDiagnose, ui as enDiagnoseUi } from "./en/diagnose.js";
import { registerCatalog } from "./index.js";

registerCatalog("en", enDiagnose, enDiagnoseUi);
registerCatalog("de", deDiagnose, deDiagnoseUi);
registerCatalog("en", enAuth, enAuthUi);
registerCatalog("de", deAuth, deAuthUi);
