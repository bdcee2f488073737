import { type ChildProcess, execFile, execFileSync, spawn } from "node:child_process"
import { readFileSync, rmSync } from "node:fs"
import { basename, dirname, join } from "node:path"
import { createInterface } from "node:readline"
import { fileURLToPath } from "node:url"
import { afterAll, assert, beforeAll, describe, it } from "vitest"
import {
  type Installation,
  install,
  type PackageName,
  packages,
  readmeInstallCommands,
  workspaceRoot
} from "../src/Install.js"

const binaries = fileURLToPath(new URL("../node_modules/.bin/", import.meta.url))
const publintBin = join(binaries, "publint")
const attwBin = join(binaries, "attw")

interface Result {
  readonly status: number
  readonly stdout: string
  readonly stderr: string
}

const exec = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env: NodeJS.ProcessEnv = {}
): Promise<Result> =>
  new Promise((resolve) =>
    execFile(
      command,
      args,
      { cwd, encoding: "utf8", env: { ...process.env, NO_COLOR: "1", ...env }, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) =>
        resolve({ status: error === null ? 0 : typeof error.code === "number" ? error.code : -1, stdout, stderr })
    )
  )

const assertSucceeded = (result: Result, what: string) =>
  assert.strictEqual(result.status, 0, `${what} failed:\n${result.stdout}\n${result.stderr}`)

/** The files a tarball ships, and its package.json. */
const contents = (tarball: string) => {
  const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" })
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => line.replace(/^package\//, ""))
  const manifest = JSON.parse(execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }))
  return { files, manifest }
}

/** A running `im-recent emulator` from the installed bin, with its handshake. */
interface RunningEmulator {
  readonly process: ChildProcess
  readonly handshake: { readonly baseUrl: string; readonly webhooks: ReadonlyArray<{ userId: number; url: string }> }
  readonly exited: Promise<number | null>
}

const startEmulator = (installation: Installation): Promise<RunningEmulator> =>
  new Promise((resolve, reject) => {
    const child = spawn(installation.bin, ["emulator", "--locale", "en", "--port", "0"], {
      cwd: installation.directory,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, NO_COLOR: "1" }
    })
    const exited = new Promise<number | null>((done) => child.once("exit", (code) => done(code)))
    let stderr = ""
    child.stderr.on("data", (chunk) => {
      stderr += chunk
    })
    const lines = createInterface({ input: child.stdout })
    lines.once("line", (line) => {
      try {
        resolve({ process: child, handshake: JSON.parse(line), exited })
      } catch (error) {
        reject(new Error(`the first stdout line is not the JSON handshake: ${line}\n${String(error)}`))
      }
    })
    child.once("exit", (code) =>
      reject(new Error(`im-recent emulator exited (${code}) before its handshake:\n${stderr}`))
    )
  })

const names = Object.keys(packages) as Array<PackageName>

describe.sequential("the published packages, installed by an app outside the workspace", () => {
  let installation: Installation
  let emulator: RunningEmulator | undefined

  beforeAll(async () => {
    installation = await install()
  }, 1_800_000) // better-sqlite3 compiles from source in the consumer: minutes on a busy machine

  afterAll(async () => {
    if (emulator !== undefined && emulator.process.exitCode === null) {
      emulator.process.kill("SIGKILL")
      await emulator.exited
    }
    if (installation !== undefined) rmSync(installation.directory, { recursive: true, force: true })
  })

  describe("the README's install lines", () => {
    it("run as written (our tarballs for our names) into a project that has effect 4, without an ERESOLVE warning", () => {
      const written = readmeInstallCommands(readFileSync(join(workspaceRoot, "README.md"), "utf8")).map((command) =>
        command.join(" ")
      )
      assert.deepStrictEqual(
        installation.readmeRuns.map((run) => run.command),
        written
      )
      assert.isTrue(
        installation.readmeRuns.some((run) => run.command.includes("--global")),
        "the im-recent command"
      )
      for (const run of installation.readmeRuns) {
        assert.notMatch(
          run.stderr,
          /ERESOLVE|Could not resolve dependency|Conflicting peer|overriding peer|npm error/i,
          `${run.ran}:\n${run.stderr}`
        )
      }
      // what they installed is the Effect 3 line, whatever npm's latest tags say
      const installed = (name: string) =>
        JSON.parse(readFileSync(join(installation.directory, "node_modules", name, "package.json"), "utf8")).version
      assert.match(installed("effect"), /^3\./)
      assert.match(installed("@effect/platform"), /^0\.97\./)
      assert.match(installed("@effect/vitest"), /^0\.30\./)
      assert.match(installed("vitest"), /^3\./)
    })

    it("give every package from the registry a version range, in the project README and every package README", () => {
      const project = new Map<string, string>()
      for (const command of readmeInstallCommands(readFileSync(join(workspaceRoot, "README.md"), "utf8"))) {
        for (const word of command.slice(2)) {
          if (word.startsWith("-") || word.startsWith("@im-recent/")) continue
          const at = word.lastIndexOf("@")
          assert.isAbove(at, 0, `README.md: ${word} without a version range`)
          project.set(word.slice(0, at), word)
        }
      }
      for (const readme of Object.values(packages).map((folder) => `${folder}/README.md`)) {
        const text = readFileSync(join(workspaceRoot, readme), "utf8")
        const lines = text.split("\n").filter((line) => /^\s*npm (install|i) /.test(line))
        assert.isAbove(lines.length, 0, `${readme} shows how to install`)
        for (const line of lines) {
          for (const word of line
            .replace(/\s#.*$/, "")
            .trim()
            .split(/\s+/)
            .slice(2)) {
            if (word.startsWith("-") || word.startsWith("@im-recent/")) continue
            const at = word.lastIndexOf("@")
            assert.isAbove(at, 0, `${readme}: ${word} without a version range in "${line}"`)
            assert.strictEqual(project.get(word.slice(0, at)), word, `${readme}: ${word} as in the project README`)
          }
        }
      }
    })
  })

  describe("each tarball", () => {
    it.each(names)("%s ships built ESM with declarations and no tests, and depends on real versions", (name) => {
      const { files, manifest } = contents(installation.tarballs[name])
      assert.isFalse(manifest.private ?? false, "not private")
      assert.isTrue(files.includes("LICENSE"), "LICENSE")
      assert.isTrue(files.includes("README.md"), "README.md")
      assert.deepStrictEqual(
        files.filter((file) => /(^|\/)(test|tests|__tests__)\/|\.test\.|tsbuildinfo|tsconfig/.test(file)),
        [],
        "no tests, build info or tsconfig"
      )
      // links for a user who finds the package on npm, and the Node versions the project supports
      const root = JSON.parse(readFileSync(join(workspaceRoot, "package.json"), "utf8"))
      assert.deepStrictEqual(manifest.engines, root.engines, "engines as the project's")
      assert.deepStrictEqual(manifest.repository, {
        type: "git",
        url: "git+https://github.com/im-recent/im-recent.git",
        directory: packages[name]
      })
      assert.strictEqual(manifest.homepage, `https://github.com/im-recent/im-recent/tree/main/${packages[name]}#readme`)
      assert.deepStrictEqual(manifest.bugs, { url: "https://github.com/im-recent/im-recent/issues" })
      const ranges = { ...manifest.dependencies, ...manifest.peerDependencies, ...manifest.devDependencies }
      for (const [dependency, range] of Object.entries(ranges)) {
        assert.notMatch(String(range), /^(workspace|catalog):/, `${dependency}: ${range}`)
      }
      if (name === "@im-recent/cli") {
        assert.deepStrictEqual(manifest.bin, { "im-recent": "./dist/bin.js" })
        assert.isUndefined(manifest.dependencies, "the bin is one bundled file: nothing to install with it")
        assert.isTrue(files.includes("dist/THIRD_PARTY_LICENSES.md"), "bundled packages' licenses")
        return
      }
      assert.isTrue(files.includes("dist/index.js") && files.includes("dist/index.d.ts"), "dist/index")
      assert.isTrue(files.includes("dist/index.js.map") && files.includes("dist/index.d.ts.map"), "source maps")
      assert.isTrue(files.includes("src/index.ts"), "the sources the maps point at")
      assert.deepStrictEqual(manifest.exports["."], { types: "./dist/index.d.ts", default: "./dist/index.js" })
      assert.strictEqual(manifest.peerDependencies.effect, "^3.22.4")
      assert.isUndefined(manifest.dependencies?.effect, "effect is a peer, never a second copy")
    })

    it.each(names)("%s passes publint --strict", async (name) => {
      const result = await exec(
        publintBin,
        ["run", installation.tarballs[name], "--strict"],
        dirname(installation.tarballs[name])
      )
      assertSucceeded(result, "publint")
      assert.include(result.stdout, "All good!")
    })

    it.each(names)("%s passes @arethetypeswrong/cli (ESM profile) on every public module", async (name) => {
      const { files } = contents(installation.tarballs[name])
      const modules = files
        .filter((file) => /^dist\/[^/]+\.d\.ts$/.test(file))
        .map((file) => basename(file, ".d.ts"))
        .map((module) => (module === "index" ? "." : `./${module}`))
      const entrypoints = modules.length === 0 ? ["./package.json"] : modules
      const result = await exec(
        attwBin,
        [installation.tarballs[name], "--profile", "esm-only", "--format", "ascii", "--entrypoints", ...entrypoints],
        dirname(installation.tarballs[name])
      )
      // attw exits 1 on any problem in a resolution the ESM profile checks (node16 from ESM, bundler)
      assertSucceeded(result, `attw (${entrypoints.length} entrypoints)`)
    })
  })

  describe("the installed im-recent bin", () => {
    it("prints its usage and the package's version", async () => {
      const help = await exec(installation.bin, ["--help"], installation.directory)
      assertSucceeded(help, "im-recent --help")
      assert.include(help.stdout, "im-recent")
      const version = await exec(installation.bin, ["--version"], installation.directory)
      assertSucceeded(version, "im-recent --version")
      const manifest = JSON.parse(
        readFileSync(join(installation.globalPrefix, "lib/node_modules/@im-recent/cli/package.json"), "utf8")
      )
      assert.include(version.stdout, manifest.version)
    })

    it("runs the emulator: a JSON handshake first, then a webhook that answers im.recent.get", async () => {
      emulator = await startEmulator(installation)
      const hook = emulator.handshake.webhooks.find((webhook) => webhook.userId === 1)
      assert.isDefined(hook)
      const response = await fetch(`${hook!.url}im.recent.get`)
      assert.strictEqual(response.status, 200)
      const body = (await response.json()) as { result: ReadonlyArray<unknown> }
      assert.isAbove(body.result.length, 0)
    })

    it("a plain Node ESM program reads the recent list through @im-recent/client", async () => {
      assert.isDefined(emulator, "the emulator test runs first")
      const hook = emulator!.handshake.webhooks.find((webhook) => webhook.userId === 1)!
      const result = await exec(process.execPath, ["read-recent.mjs"], installation.directory, {
        BITRIX24_WEBHOOK_URL: hook.url
      })
      assertSucceeded(result, "node read-recent.mjs")
      const summary = JSON.parse(result.stdout.trim())
      assert.isAbove(summary.count, 0)
      assert.match(summary.dateStart, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d$/)
    })

    it("a plain Node ESM program keeps the OAuth pair in a SQLite file with @im-recent/sql", async () => {
      const result = await exec(
        process.execPath,
        ["sql-tokens.mjs", join(installation.directory, "tokens.db")],
        installation.directory
      )
      assertSucceeded(result, "node sql-tokens.mjs")
      assert.deepStrictEqual(JSON.parse(result.stdout.trim()), {
        empty: true,
        refreshes: 1,
        renewed: true,
        lateGotStored: true,
        stored: true
      })
    })

    it("the emulator stops with exit 0 on SIGTERM", async () => {
      assert.isDefined(emulator, "the emulator test runs first")
      emulator!.process.kill("SIGTERM")
      assert.strictEqual(await emulator!.exited, 0)
    })
  })

  it("a TypeScript consumer type-checks with moduleResolution nodenext and skipLibCheck false", async () => {
    const result = await exec(
      process.execPath,
      ["node_modules/typescript/bin/tsc", "-p", "tsconfig.json"],
      installation.directory
    )
    assertSucceeded(result, "tsc")
  })

  it("a user's vitest file passes with the contract kit's msw handlers", async () => {
    const result = await exec(
      process.execPath,
      ["node_modules/vitest/vitest.mjs", "run", "--root", installation.directory],
      installation.directory
    )
    assertSucceeded(result, "vitest run")
    assert.match(result.stdout, /Tests\s+2 passed/)
  })
})
