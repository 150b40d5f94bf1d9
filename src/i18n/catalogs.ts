/** Imports every area's catalog so they register. Import this once from entry points (CLI, library index). */

import { authCodes as deAuth, authUi as deAuthUi } from "./de/auth.js";
import { configUi as deConfigUi } from "./de/config.js";
import { demoCodes as deDemo, demoUi as deDemoUi } from "./de/demo.js";
import { codes as deDiagnose, ui as deDiagnoseUi } from "./de/diagnose.js";
import { fetchCodes as deFetch, fetchUi as deFetchUi } from "./de/fetch.js";
import { initCodes as deInit, initUi as deInitUi } from "./de/init.js";
import { proxyCodes as deProxy, proxyUi as deProxyUi } from "./de/proxy.js";
import { sendCodes as deSend, sendUi as deSendUi } from "./de/send.js";
import { stepsCodes as deSteps, stepsUi as deStepsUi } from "./de/steps.js";
import { storeCodes as deStore, storeUi as deStoreUi } from "./de/store.js";
import { authCodes as enAuth, authUi as enAuthUi } from "./en/auth.js";
import { configUi as enConfigUi } from "./en/config.js";
import { demoCodes as enDemo, demoUi as enDemoUi } from "./en/demo.js";
import { codes as enDiagnose, ui as enDiagnoseUi } from "./en/diagnose.js";
import { fetchCodes as enFetch, fetchUi as enFetchUi } from "./en/fetch.js";
import { initCodes as enInit, initUi as enInitUi } from "./en/init.js";
import { proxyCodes as enProxy, proxyUi as enProxyUi } from "./en/proxy.js";
import { sendCodes as enSend, sendUi as enSendUi } from "./en/send.js";
import { stepsCodes as enSteps, stepsUi as enStepsUi } from "./en/steps.js";
import { storeCodes as enStore, storeUi as enStoreUi } from "./en/store.js";
import { registerCatalog } from "./index.js";
import type { CodeCatalog, UiCatalog } from "./types.js";

/** One row per area: [English codes, English UI, German codes, German UI]. */
const AREAS: [CodeCatalog, UiCatalog, CodeCatalog, UiCatalog][] = [
  [enDiagnose, enDiagnoseUi, deDiagnose, deDiagnoseUi],
  [enAuth, enAuthUi, deAuth, deAuthUi],
  [{}, enConfigUi, {}, deConfigUi],
  [enProxy, enProxyUi, deProxy, deProxyUi],
  [enStore, enStoreUi, deStore, deStoreUi],
  [enDemo, enDemoUi, deDemo, deDemoUi],
  [enSend, enSendUi, deSend, deSendUi],
  [enInit, enInitUi, deInit, deInitUi],
  [enFetch, enFetchUi, deFetch, deFetchUi],
  [enSteps, enStepsUi, deSteps, deStepsUi],
];

for (const [enCodes, enUi, deCodes, deUi] of AREAS) {
  registerCatalog("en", enCodes, enUi);
  registerCatalog("de", deCodes, deUi);
}
