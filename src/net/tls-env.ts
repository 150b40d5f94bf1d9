/**
 * NODE_TLS_REJECT_UNAUTHORIZED=0 makes Node skip certificate checks on every TLS connection that does not set
 * `rejectUnauthorized` itself (https://nodejs.org/api/cli.html#node_tls_reject_unauthorizedvalue). Every connection
 * of this tool sets it to true, so the variable never applies; the CLI also removes it from its own environment, so
 * Node does not print its "makes TLS connections insecure" warning (which would be false here) and nothing the
 * process loads can pick it up.
 */
export const TLS_ENV_VAR = "NODE_TLS_REJECT_UNAUTHORIZED";

/** True when the environment asks to switch certificate checks off; the variable is then removed from `env`. */
export function dropTlsVerifyOverride(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[TLS_ENV_VAR] !== "0") return false;
  delete env[TLS_ENV_VAR];
  return true;
}
