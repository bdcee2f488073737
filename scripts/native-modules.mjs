// Runs after `pnpm install` (the root `postinstall`): makes sure better-sqlite3, the embedded SQLite behind
// `@im-recent/sql` and `im-recent mirror`, is compiled for the Node.js that runs the install.
//
// Its own install script fetches a prebuilt binary, or compiles with node-gyp, which first downloads Node's headers
// from nodejs.org. On a machine without internet access both fail, although official Node builds ship their headers
// (`<prefix>/include/node`) and npm can be pointed at them (`nodedir`); pnpm does not pass that setting on. The
// SQLite driver is therefore an optional dependency (a failed build does not fail the install), and this script
// compiles it once more against the running Node's own headers when it does not load. It never fails the install:
// without SQLite everything but the SQL package works, and this says how to retry.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import { createRequire } from "node:module"
import { dirname, join } from "node:path"

const require = createRequire(new URL("../packages/sql/package.json", import.meta.url))

const locate = () => {
  try {
    const driver = require.resolve("@effect/sql-sqlite-node/package.json")
    return dirname(createRequire(driver).resolve("better-sqlite3/package.json"))
  } catch {
    return undefined
  }
}

const loads = (directory) =>
  spawnSync(process.execPath, ["-e", `new (require(${JSON.stringify(directory)}))(":memory:").close()`], {
    stdio: "ignore"
  }).status === 0

const directory = locate()
if (directory === undefined) {
  console.warn("better-sqlite3 is not installed: the SQLite tests and `im-recent mirror --db sqlite:…` will not run")
} else if (!loads(directory)) {
  const prefix = dirname(dirname(process.execPath))
  const env = { ...process.env }
  if (env.npm_config_nodedir === undefined && existsSync(join(prefix, "include", "node", "node.h"))) {
    env.npm_config_nodedir = prefix
  }
  console.log(`compiling better-sqlite3 for Node ${process.version} (headers: ${env.npm_config_nodedir ?? "download"})`)
  const build = spawnSync("node-gyp", ["rebuild", "--release"], { cwd: directory, env, stdio: "inherit" })
  if (build.status !== 0 || !loads(directory)) {
    console.warn(
      `better-sqlite3 could not be compiled for Node ${process.version}: the SQLite tests and \`im-recent mirror --db sqlite:…\` will fail.` +
        " Retry with `npm_config_nodedir=<your Node's install prefix> pnpm install --force`."
    )
  }
}
