/**
 * The pages of docs/ that are generated from the code (of docs/exchange-behaviour.md: its generated sections), each
 * with its renderer. `npm run docs` writes them (scripts/docs/main.ts); test/docs/generated-docs.test.ts fails while
 * a committed page differs from its rendering.
 */
import { renderCliReference } from "./render-cli-reference.js";
import { renderExchangeBehaviour } from "./render-exchange-behaviour.js";
import { renderTroubleshooting } from "./render-troubleshooting.js";

export interface GeneratedDoc {
  /** Relative to the repository root. */
  readonly path: string;
  readonly render: () => string | Promise<string>;
}

export const GENERATED_DOCS: readonly GeneratedDoc[] = [
  { path: "docs/troubleshooting.md", render: renderTroubleshooting },
  { path: "docs/cli-reference.md", render: renderCliReference },
  { path: "docs/exchange-behaviour.md", render: renderExchangeBehaviour },
];
