import assert from "node:assert/strict";
import { test } from "node:test";
import { COMMANDS, loadCommands, selectedCommand } from "../../src/cli/commands/index.js";
import { COMMAND_NAMES } from "../../src/cli/commands/names.js";

test("names.ts lists exactly the commands index.ts registers (the bundle keys its code caches by it)", () => {
  assert.deepEqual(
    COMMANDS.map((c) => c.name),
    [...COMMAND_NAMES],
  );
});

test("the command named on the command line is found past global options", () => {
  assert.equal(selectedCommand(["token", "--decode"])?.name, "token");
  assert.equal(selectedCommand(["--lang", "de", "fetch", "--maildir", "x"])?.name, "fetch");
  assert.equal(selectedCommand(["--lang", "test"]), undefined, "--lang consumes its value");
  assert.equal(selectedCommand(["--help"]), undefined);
  assert.equal(selectedCommand(["help", "token"]), undefined, "help lists all commands");
  assert.equal(selectedCommand(["nosuch"]), undefined, "unknown names load all, so commander can suggest one");
});

test("every command module loads and registers under its own name", async () => {
  for (const entry of COMMANDS) {
    const [register] = await loadCommands([entry.name]);
    const names: string[] = [];
    const fake = {
      command: (n: string) => {
        names.push(n.split(" ")[0] as string);
        return stub;
      },
    };
    const stub: Record<string, unknown> = new Proxy(
      {},
      { get: (_t, k) => (k === "command" ? fake.command : () => stub) },
    );
    register?.(stub as never, { exitCode: 0 });
    assert.equal(names[0], entry.name);
  }
  assert.equal((await loadCommands([])).length, COMMANDS.length);
});
