// Builds the published `im-recent` executable: src/bin.ts and everything it imports (effect, @effect/*,
// the emulator) in one ESM file, so that a cold start reads one file instead of about 800 modules
// (bench/README.md has the figures); `im-recent mirror`'s code is a chunk of its own that only that command loads, and
// the database drivers stay external (optional dependencies of the package). The licenses of the bundled packages go next to it.
// `node scripts/bundle.mjs [DIR]` writes to DIR instead of dist/ (the tests run the bin from a temporary directory).

import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { build } from "esbuild"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const dist = process.argv[2] === undefined ? join(root, "dist") : resolve(process.argv[2])
const own = JSON.parse(readFileSync(join(root, "package.json"), "utf8"))

rmSync(dist, { recursive: true, force: true })
mkdirSync(dist, { recursive: true })

const result = await build({
  entryPoints: [join(root, "src/bin.ts")],
  outdir: dist,
  entryNames: "[name]",
  chunkNames: "chunks/[name]-[hash]",
  splitting: true,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20.19",
  minifySyntax: true,
  metafile: true,
  absWorkingDir: root,
  legalComments: "none",
  // The database drivers of `im-recent mirror` (optional dependencies, with a native module behind the SQLite one)
  // stay outside the bundle: imported at run time, only by that command.
  external: ["@effect/sql-sqlite-node", "@effect/sql-pg"],
  logLevel: "warning",
  // Some bundled CommonJS packages call `require`; ESM output has none of its own.
  banner: {
    js: 'import { createRequire as __imRecentRequire } from "node:module";\nconst require = __imRecentRequire(import.meta.url);'
  }
})

/** The package directory of a bundled input, e.g. `…/node_modules/.pnpm/x@1/node_modules/@effect/cli/dist/esm/Command.js`. */
const packageOf = (input) => {
  const path = input.replaceAll("\\", "/")
  const at = path.lastIndexOf("node_modules/")
  if (at === -1) return undefined
  const [scope, name] = path.slice(at + "node_modules/".length).split("/")
  return join(root, path.slice(0, at), "node_modules", scope.startsWith("@") ? `${scope}/${name}` : scope)
}

const packages = new Map()
for (const input of Object.keys(result.metafile.inputs)) {
  const directory = packageOf(input)
  if (directory === undefined || packages.has(directory)) continue
  const manifest = JSON.parse(readFileSync(join(directory, "package.json"), "utf8"))
  const licenseFile = ["LICENSE", "LICENSE.md", "LICENSE.txt", "license", "LICENCE"]
    .map((name) => join(directory, name))
    .find((path) => existsSync(path))
  packages.set(directory, {
    name: manifest.name,
    version: manifest.version,
    license: manifest.license ?? "UNKNOWN",
    text: licenseFile === undefined ? undefined : readFileSync(licenseFile, "utf8").trim()
  })
}

const notices = [...new Map([...packages.values()].map((pkg) => [`${pkg.name}@${pkg.version}`, pkg])).values()]
  .sort((a, b) => a.name.localeCompare(b.name))
  .map((pkg) => `## ${pkg.name}@${pkg.version} (${pkg.license})\n\n${pkg.text ?? "No license file in the package."}\n`)

writeFileSync(
  join(dist, "THIRD_PARTY_LICENSES.md"),
  `# Third-party licenses\n\n\`dist/bin.js\` of ${own.name}@${own.version} bundles these packages.\n\n${notices.join("\n")}`
)
console.log(`bundled ${packages.size} packages into dist/bin.js`)
