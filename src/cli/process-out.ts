/**
 * Everything the CLI prints goes through here, so secrets are redacted at the sink. Its own small module: `--help` and
 * a cached `token` print through it without loading the error formatting of src/cli/output.ts.
 */
import { redact } from "../log/redact.js";

export interface Out {
  stdout(text: string): void;
  stderr(text: string): void;
}

export const processOut: Out = {
  stdout: (s) => process.stdout.write(redact(s)),
  stderr: (s) => process.stderr.write(redact(s)),
};

/** Writes without redaction: only for the payload the user explicitly asked for (`token` prints the token). */
export function writeSecretPayload(text: string): void {
  process.stdout.write(text);
}
