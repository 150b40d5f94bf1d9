/** Library entry point: the CLI is a thin shell over these. */
import "./i18n/catalogs.js";

export * from "./auth/clouds.js";
export type { AccessToken, TokenClaims, TokenProvider } from "./auth/types.js";
export * from "./errors.js";
export { LIMITS } from "./limits.js";
