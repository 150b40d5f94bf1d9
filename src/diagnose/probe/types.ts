/** What a protocol probe needs: where to connect, as which mailbox, with which token. */
import type { MailProtocol } from "../../auth/clouds.js";
import type { ServerTlsMode, TraceFn } from "../../net/types.js";
import type { StepRecorder } from "./recorder.js";

export interface ProbeOptions {
  protocol: MailProtocol;
  host: string;
  port: number;
  tls: ServerTlsMode;
  mailbox: string;
  /** The raw access token (secret). */
  token: string;
  /** Extra trusted CA certificates (PEM). */
  ca?: string[];
  /** SMTP only: send a short test message to this address. */
  sendTestTo?: string;
  /** Overrides every per-phase timeout (connect, TLS, greeting, command), in ms. */
  timeoutMs?: number;
  /** Redacted protocol transcript (`c` sent, `s` received; connection events are not passed on). */
  onTrace?: TraceFn;
}

/** Runs the network steps (connect .. logout) into the recorder; throws StepFailed at the first failing step. */
export type Probe = (opts: ProbeOptions, rec: StepRecorder) => Promise<void>;
