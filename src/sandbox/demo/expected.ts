/** What the demo breaks and the diagnosis it expects, as data (`demo --help` names it without loading the scenario). */
import { situation, situationCode } from "../../exchange/contract.js";

/** The misconfiguration the demo introduces (a situation of the Exchange table with a sandbox scenario). */
export const DEMO_SITUATION = situation("no-fullaccess");

/** The diagnosis it must produce over IMAP: the table's code for that situation. */
export const DEMO_EXPECTED_DIAGNOSIS = situationCode(DEMO_SITUATION, "imap");
