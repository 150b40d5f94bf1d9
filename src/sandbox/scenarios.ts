/**
 * The sandbox's scenarios as data, without the fakes: `sandbox --help` lists them, and loading this module starts no
 * server code (src/sandbox/local-tenant.ts sets them up).
 */
import { SCENARIO_NAMES, type ScenarioName, SITUATIONS, type Situation } from "../exchange/contract.js";

/**
 * Misconfigurations the sandbox can start with, as an admin gets them wrong: the situations of
 * src/exchange/contract.ts that have a `scenario`, each with its cause as the one-line description for
 * `sandbox --help`. (Requesting a Graph scope is the client's choice: pass --scope.)
 */
export type SandboxScenario = ScenarioName;

/** The table's situation a scenario sets up. */
export function scenarioSituation(scenario: SandboxScenario): Situation {
  const s = SITUATIONS.find((x) => x.scenario === scenario);
  if (!s) throw new Error(`scenario ${scenario} has no situation`);
  return s;
}

export const SANDBOX_SCENARIOS: Readonly<Record<SandboxScenario, string>> = Object.fromEntries(
  SCENARIO_NAMES.map((n) => [n, scenarioSituation(n).cause.replace(/`/g, "")]),
) as Record<SandboxScenario, string>;

export function isSandboxScenario(name: string): name is SandboxScenario {
  return Object.hasOwn(SANDBOX_SCENARIOS, name);
}
