/**
 * Library entry point (`import ... from "xoauth-mail"`): the public API of src/api/ (docs/api.md), the clouds, the
 * typed errors with their stable codes, and LIMITS. The CLI is a thin shell over the same layers; the embedded
 * tenant is the separate subpath `xoauth-mail/sandbox`. Nothing here loads the CLI, the proxy or the sandbox; the
 * engines behind testMailbox, fetchMailbox and sendMail (diagnosis, Maildir, nodemailer's SMTP) are imported by their
 * first call, so `import "xoauth-mail"` stays quick for a host that only wants tokens.
 */
import "./i18n/catalogs.js";

export * from "./api/index.js";
export * from "./auth/clouds.js";
export type { AccessToken, TokenClaims, TokenProvider } from "./auth/types.js";
export * from "./errors.js";
export { LIMITS } from "./limits.js";
