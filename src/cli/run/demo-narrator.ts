/** What `demo` prints: the narration (en/de) and the JSON steps (the scenario is src/sandbox/demo/). */
import { t } from "../../i18n/index.js";
import type { DemoReporter, DemoStep } from "../../sandbox/demo/steps.js";
import { processOut } from "../output.js";

export class Narrator implements DemoReporter {
  readonly steps: DemoStep[] = [];
  constructor(private readonly human: boolean) {}
  say(key: string, params: Record<string, unknown> = {}): void {
    if (this.human) processOut.stdout(`${t(key, params)}\n`);
  }
  line(text: string): void {
    if (this.human) processOut.stdout(`${text}\n`);
  }
  add(step: DemoStep): DemoStep {
    this.steps.push(step);
    return step;
  }
  get failed(): DemoStep | undefined {
    return this.steps.find((s) => !s.ok);
  }
}
