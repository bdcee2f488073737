/**
 * Packs the publishable workspace packages as `pnpm publish` would and installs the tarballs with npm
 * into a fresh project outside the workspace, with the project README's own install commands, as a user
 * following the README would.
 *
 * @since 0.1.0
 */
import { execFile } from "node:child_process"
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

/**
 * The workspace root.
 *
 * @since 0.1.0
 * @category paths
 */
export const workspaceRoot: string = fileURLToPath(new URL("../../", import.meta.url))

/**
 * The publishable packages, by name, with their folder in the workspace.
 *
 * @since 0.1.0
 * @category packages
 */
export const packages = {
  "@im-recent/domain": "packages/domain",
  "@im-recent/client": "packages/client",
  "@im-recent/emulator": "packages/emulator",
  "@im-recent/contracts": "contracts",
  "@im-recent/sql": "packages/sql",
  "@im-recent/cli": "packages/cli"
} as const

/**
 * The name of a publishable package.
 *
 * @since 0.1.0
 * @category packages
 */
export type PackageName = keyof typeof packages

/**
 * What the consumer files use besides what the README's lines install: the TypeScript compiler and Node's types for
 * the type-checking test.
 *
 * @since 0.1.0
 * @category packages
 */
export const tooling: Readonly<Record<string, string>> = {
  typescript: "~5.9.3",
  "@types/node": "~20.19.43"
}

// Asynchronous on purpose: a test worker blocked for minutes in a synchronous call misses its runner's heartbeats.
const run = async (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env: NodeJS.ProcessEnv = {}
): Promise<{ readonly stdout: string; readonly stderr: string }> =>
  promisify(execFile)(command, args, {
    cwd,
    encoding: "utf8",
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024
  })

/**
 * Builds and packs every publishable package into `destination` (`pnpm pack`, which applies
 * `publishConfig` and turns `workspace:` and `catalog:` ranges into real versions). Returns each
 * package's tarball path.
 *
 * @since 0.1.0
 * @category packing
 */
export const packAll = async (destination: string): Promise<Record<PackageName, string>> => {
  mkdirSync(destination, { recursive: true })
  await run("pnpm", ["run", "build"], workspaceRoot)
  const tarballs = {} as Record<PackageName, string>
  for (const [name, folder] of Object.entries(packages) as Array<[PackageName, string]>) {
    const before = new Set(readdirSync(destination))
    await run("pnpm", ["pack", "--pack-destination", destination], join(workspaceRoot, folder))
    const created = readdirSync(destination).find((file) => file.endsWith(".tgz") && !before.has(file))
    if (created === undefined) throw new Error(`pnpm pack wrote no tarball for ${name}`)
    tarballs[name] = join(destination, created)
  }
  return tarballs
}

/**
 * The `npm install …` commands of the project README's "Installing from npm" section, as written there (its first
 * `sh` block; trailing `# comments` dropped), each split into words.
 *
 * @since 0.1.0
 * @category readme
 */
export const readmeInstallCommands = (readme: string): ReadonlyArray<ReadonlyArray<string>> => {
  const section = readme.split(/^## /m).find((part) => part.startsWith("Installing from npm"))
  if (section === undefined) throw new Error('README.md has no "## Installing from npm" section')
  const block = /```sh\n([\s\S]*?)```/.exec(section)
  if (block === null) throw new Error('"Installing from npm" has no sh block')
  const commands = block[1]
    .split("\n")
    .map((line) => line.replace(/\s#.*$/, "").trim())
    .filter((line) => line.startsWith("npm install "))
    .map((line) => line.split(/\s+/))
  if (commands.length === 0) throw new Error('"Installing from npm" has no npm install line')
  return commands
}

/**
 * A README command with each of our package names (`@im-recent/client`, or with a version after it) replaced by the
 * path of its tarball: they are not on the registry in the test. Every other word stays as written.
 *
 * @since 0.1.0
 * @category readme
 */
export const withTarballs = (
  command: ReadonlyArray<string>,
  tarballs: Readonly<Record<PackageName, string>>
): ReadonlyArray<string> =>
  command.map((word) => {
    const name = /^(@im-recent\/[a-z-]+)(?:@.*)?$/.exec(word)?.[1]
    if (name === undefined) return word
    if (!(name in tarballs)) throw new Error(`the README installs ${name}, which is not a published package`)
    return tarballs[name as PackageName]
  })

/**
 * One npm command the installation ran, and what npm wrote on stderr.
 *
 * @since 0.1.0
 * @category installing
 */
export interface NpmRun {
  /** As written in the README (or by the test). */
  readonly command: string
  /** As run: the tarballs' paths in place of our packages' names. */
  readonly ran: string
  readonly stderr: string
}

/**
 * A project outside the workspace with the tarballs installed by npm.
 *
 * @since 0.1.0
 * @category installing
 */
export interface Installation {
  readonly directory: string
  readonly tarballs: Record<PackageName, string>
  /** The README's install commands as they ran, in order, after a bare `npm install effect`. */
  readonly readmeRuns: ReadonlyArray<NpmRun>
  /** Where `npm install --global` installed (`npm_config_prefix`): not the machine's own global folder. */
  readonly globalPrefix: string
  /** The globally installed `im-recent` executable (`<globalPrefix>/bin/im-recent`). */
  readonly bin: string
}

/**
 * Where node-gyp finds the running Node's headers (`npm_config_nodedir`), when this Node ships them
 * (`<prefix>/include/node/node.h`, as official builds and Debian's do) and the environment sets none: `better-sqlite3`
 * (under `@effect/sql-sqlite-node`) compiles from source when no prebuilt binary fits, and node-gyp would otherwise
 * download the headers, which fails without internet access.
 *
 * @since 0.1.0
 * @category installing
 */
export const nodeHeaders = (): NodeJS.ProcessEnv => {
  if (process.env.npm_config_nodedir !== undefined) return {}
  const prefix = dirname(dirname(process.execPath))
  return existsSync(join(prefix, "include", "node", "node.h")) ? { npm_config_nodedir: prefix } : {}
}

/**
 * Packs the packages and installs them with npm into a new temporary project as a user following the project README
 * does: a project that already has `effect` from a bare `npm install effect` (npm's `latest`, Effect 4), then each
 * `npm install` line of the README's "Installing from npm" section, read from `README.md` now, with the packed
 * tarballs in place of our package names (a `--global` line installs into a prefix inside the project). npm
 * `overrides` point the packages' dependencies on each other at the tarballs too, never at the registry. Then the
 * consumer files from `packaging/consumer/` and their {@link tooling}.
 *
 * @since 0.1.0
 * @category installing
 */
export const install = async (): Promise<Installation> => {
  const directory = mkdtempSync(join(tmpdir(), "im-recent-consumer-"))
  const packed = await packAll(join(directory, ".tarballs"))
  // npm writes tarball dependencies as `file:` paths relative to the project: overrides must use the same spelling
  const tarballs = Object.fromEntries(
    Object.entries(packed).map(([name, path]) => [name, `./${relative(directory, path)}`])
  ) as Record<PackageName, string>
  const overrides = Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path.slice(2)}`]))
  cpSync(fileURLToPath(new URL("../consumer/", import.meta.url)), directory, { recursive: true })
  writeFileSync(
    join(directory, "package.json"),
    `${JSON.stringify({ name: "im-recent-consumer", private: true, type: "module", overrides }, null, 2)}\n`
  )
  const globalPrefix = join(directory, ".global")
  const env: NodeJS.ProcessEnv = {
    npm_config_audit: "false",
    npm_config_fund: "false",
    npm_config_update_notifier: "false",
    ...nodeHeaders()
  }
  const npm = async (command: ReadonlyArray<string>, written: ReadonlyArray<string> = command): Promise<NpmRun> => {
    const global = command.includes("--global") || command.includes("-g")
    const { stderr } = await run(
      command[0],
      command.slice(1),
      directory,
      global ? { ...env, npm_config_prefix: globalPrefix } : env
    )
    return { command: written.join(" "), ran: command.join(" "), stderr }
  }
  await npm(["npm", "install", "effect"])
  const readme = readFileSync(join(workspaceRoot, "README.md"), "utf8")
  const readmeRuns: Array<NpmRun> = []
  for (const command of readmeInstallCommands(readme))
    readmeRuns.push(await npm(withTarballs(command, tarballs), command))
  await npm(["npm", "install", "--save-dev", ...Object.entries(tooling).map(([name, range]) => `${name}@${range}`)])
  return { directory, tarballs: packed, readmeRuns, globalPrefix, bin: join(globalPrefix, "bin", "im-recent") }
}
