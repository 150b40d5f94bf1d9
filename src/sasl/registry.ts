/** Registry of client SASL mechanisms by IANA name (RFC 4422 §7.1). */
import { XoauthError } from "../errors.js";
import { loginMechanism } from "./login.js";
import { plainMechanism } from "./plain.js";
import type { SaslClientMechanism, SaslCredentials, SaslMechanismFactory } from "./types.js";
import { xoauth2Mechanism } from "./xoauth2.js";

const registry = new Map<string, SaslMechanismFactory>([
  ["XOAUTH2", xoauth2Mechanism],
  ["PLAIN", plainMechanism],
  ["LOGIN", loginMechanism],
]);

/** Adds or replaces a mechanism (names are case-insensitive). */
export function registerMechanism(name: string, factory: SaslMechanismFactory): void {
  registry.set(name.toUpperCase(), factory);
}

export function listMechanisms(): string[] {
  return [...registry.keys()];
}

/** A fresh client exchange for `name`; USAGE error when the mechanism is unknown. */
export function createMechanism(name: string, creds: SaslCredentials): SaslClientMechanism {
  const factory = registry.get(name.toUpperCase());
  if (!factory) throw new XoauthError("USAGE", `Unknown SASL mechanism ${name}.`);
  return factory(creds);
}
