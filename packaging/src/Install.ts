/**
 * Packs the publishable workspace packages as `pnpm publish` would and installs the tarballs with npm
 * into a fresh project outside the workspace, as an app that depends on them would.
 *
 * @since 0.1.0
 */
import { execFile } from "node:child_process"
import { cpSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
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
 * The peer ranges a consuming app installs next to the packages: the ranges the packages declare.
 *
 * @since 0.1.0
 * @category packages
 */
export const peers: Readonly<Record<string, string>> = {
  effect: "^3.22.4",
  "@effect/platform": "^0.97.2",
  "@effect/platform-node": "^0.108.2",
  msw: "^2.15.0"
}

/**
 * What a consuming app uses to type-check and test itself.
 *
 * @since 0.1.0
 * @category packages
 */
export const tooling: Readonly<Record<string, string>> = {
  typescript: "~5.9.3",
  "@types/node": "~20.19.43",
  vitest: "~3.2.7",
  "@effect/vitest": "~0.30.0"
}

// Asynchronous on purpose: a test worker blocked for minutes in a synchronous call misses its runner's heartbeats.
const run = async (command: string, args: ReadonlyArray<string>, cwd: string): Promise<string> =>
  (await promisify(execFile)(command, args, { cwd, encoding: "utf8", env: process.env, maxBuffer: 64 * 1024 * 1024 }))
    .stdout

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
 * A project outside the workspace with the tarballs installed by npm.
 *
 * @since 0.1.0
 * @category installing
 */
export interface Installation {
  readonly directory: string
  readonly tarballs: Record<PackageName, string>
  /** The installed `im-recent` executable (`node_modules/.bin/im-recent`). */
  readonly bin: string
}

/**
 * Packs the packages and installs them with npm into a new temporary project, together with the peer
 * dependencies at the declared ranges and the consumer files from `packaging/consumer/`. The inner
 * `@im-recent/*` dependencies resolve to the local tarballs (npm `overrides`), never to the registry.
 *
 * @since 0.1.0
 * @category installing
 */
export const install = async (): Promise<Installation> => {
  const directory = mkdtempSync(join(tmpdir(), "im-recent-consumer-"))
  const tarballs = await packAll(join(directory, ".tarballs"))
  const local = Object.fromEntries(Object.entries(tarballs).map(([name, path]) => [name, `file:${path}`]))
  cpSync(fileURLToPath(new URL("../consumer/", import.meta.url)), directory, { recursive: true })
  writeFileSync(
    join(directory, "package.json"),
    `${JSON.stringify(
      {
        name: "im-recent-consumer",
        private: true,
        type: "module",
        dependencies: { ...local, ...peers },
        devDependencies: tooling,
        overrides: local
      },
      null,
      2
    )}\n`
  )
  await run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], directory)
  return { directory, tarballs, bin: join(directory, "node_modules", ".bin", "im-recent") }
}
