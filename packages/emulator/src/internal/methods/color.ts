/**
 * Bitrix's avatar colour palette (`Bitrix\Im\Color`).
 *
 * @internal
 */

/**
 * Colour codes and their hex values, in the palette's order.
 *
 * @internal
 */
export const palette: ReadonlyArray<readonly [code: string, hex: string]> = [
  ["RED", "#df532d"],
  ["GREEN", "#64a513"],
  ["MINT", "#4ba984"],
  ["LIGHT_BLUE", "#4ba5c3"],
  ["DARK_BLUE", "#3e99ce"],
  ["PURPLE", "#8474c8"],
  ["AQUA", "#1eb4aa"],
  ["PINK", "#f76187"],
  ["LIME", "#58cc47"],
  ["BROWN", "#ab7761"],
  ["AZURE", "#29619b"],
  ["KHAKI", "#728f7a"],
  ["SAND", "#ba9c7b"],
  ["ORANGE", "#e8a441"],
  ["MARENGO", "#556574"],
  ["GRAY", "#909090"],
  ["GRAPHITE", "#5e5f5e"]
]

const byCode = new Map(palette)

/**
 * `Color::getCodeByNumber`: the last decimal digit d of the id picks entry d-1, and 0 picks entry 9 (BROWN).
 *
 * @internal
 */
export const codeByNumber = (id: number): string => {
  const digit = Math.abs(Math.trunc(id)) % 10
  return palette[digit === 0 ? 9 : digit - 1][0]
}

/**
 * A chat's or user's colour: its explicit code mapped to hex (`""` for a code the palette lacks, PHP's `null`), or the
 * code derived from the id; MARENGO for everything when the portal disabled colours.
 *
 * @internal
 */
export const hexOf = (colorCode: string | null, id: number, enabled: boolean): string => {
  if (!enabled) return "#556574"
  const code = colorCode === null || colorCode === "" ? codeByNumber(id) : colorCode
  return byCode.get(code) ?? ""
}
