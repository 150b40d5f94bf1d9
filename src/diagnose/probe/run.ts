/** Picks the probe for a protocol. */
import type { MailProtocol } from "../../auth/clouds.js";
import { probeImap } from "./imap.js";
import { probePop3 } from "./pop3.js";
import { probeSmtp } from "./smtp.js";
import type { Probe } from "./types.js";

export const PROBES: Record<MailProtocol, Probe> = { pop3: probePop3, imap: probeImap, smtp: probeSmtp };

export { StepFailed, StepRecorder, type StepText } from "./recorder.js";
export type { Probe, ProbeOptions } from "./types.js";
