/**
 * The CLI from its modules in dist/src (what bin/xoauth-mail.js runs when there is no bundle), for tests that look at
 * the module graph a command loads (test/cli/module-graph.test.ts); everything else runs bin/xoauth-mail.js.
 */
import { tuneV8ForCli } from "../../../src/cli/v8-flags.js";

tuneV8ForCli();
const { launch } = await import("../../../src/cli/launch.js");
launch(process.argv);
