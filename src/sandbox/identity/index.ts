/** A faithful, scriptable fake of the Microsoft identity platform's token and discovery endpoints. */
export { AADSTS, type AadErrorBody, aadError, aadTimestamp } from "./errors.js";
export {
  defaultSandboxTenant,
  type FakeApp,
  type FakeSecret,
  type FakeTenant,
  findApp,
  findTenant,
  SANDBOX_GRAPH_ROLES,
  SANDBOX_ROLES,
} from "./model.js";
export { type FailSpec, FakeScript } from "./script.js";
export { IdentityFake, type IdentityFakeOptions, type RecordedRequest } from "./server.js";
export { type FakeResource, JWT_BEARER } from "./token-endpoint.js";
export { ACCESS_TOKEN_LIFETIME_SEC, type ClaimOverrides, issuerFor, type SigningKey } from "./tokens.js";
