import { readdirSync, readFileSync } from "node:fs"

/** The documented fixtures live once, in contracts/fixtures (see PROVENANCE.md there). */
export const fixturesDir = new URL("../../../contracts/fixtures/", import.meta.url)

export const fixtureNames = (): ReadonlyArray<string> =>
  readdirSync(fixturesDir)
    .filter((name) => name.endsWith(".json") || name.endsWith(".jsonc.txt"))
    .sort()

export const readFixtureText = (name: string): string => readFileSync(new URL(name, fixturesDir), "utf8")

/**
 * The `.jsonc.txt` fixtures elide parts with `...`; dropping those elisions (and the comma before
 * them) leaves the documented JSON around them.
 */
export const readFixture = (name: string): unknown => {
  const text = readFixtureText(name)
  return JSON.parse(name.endsWith(".jsonc.txt") ? text.replace(/,?\s*\.\.\.\s*(,)?/g, "") : text)
}
