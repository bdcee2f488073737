/**
 * Terminal text: display widths (wide and zero-width characters), one-line collapsing and trimming.
 */

/**
 * The width used when the output is not a terminal (`process.stdout.columns` is unset) and `COLUMNS` is not set.
 */
export const defaultWidth = 100

/**
 * The width to lay out for: the terminal's columns, else `COLUMNS`, else `fallback` ({@link defaultWidth}).
 */
export const terminalWidth = (
  columns: number | undefined,
  env: string | undefined,
  fallback = defaultWidth
): number => {
  if (columns !== undefined && columns > 0) return columns
  const fromEnv = Number(env)
  return Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : fallback
}

/** Combining marks, variation selectors (Mn) and format characters such as zero-width joiners (Cf). */
const zeroWidth = /^(?:\p{Mn}|\p{Me}|\p{Cf})$/u
const wide = /^\p{Emoji_Presentation}$/u
const graphemes = new Intl.Segmenter(undefined, { granularity: "grapheme" })

/** East Asian wide and fullwidth ranges (Unicode EAW "W"/"F", the common blocks). */
const isWideCodePoint = (cp: number): boolean =>
  (cp >= 0x1100 && cp <= 0x115f) ||
  (cp >= 0x2e80 && cp <= 0x303e) ||
  (cp >= 0x3041 && cp <= 0x33ff) ||
  (cp >= 0x3400 && cp <= 0x4dbf) ||
  (cp >= 0x4e00 && cp <= 0x9fff) ||
  (cp >= 0xa000 && cp <= 0xa4cf) ||
  (cp >= 0xac00 && cp <= 0xd7a3) ||
  (cp >= 0xf900 && cp <= 0xfaff) ||
  (cp >= 0xfe30 && cp <= 0xfe4f) ||
  (cp >= 0xff00 && cp <= 0xff60) ||
  (cp >= 0xffe0 && cp <= 0xffe6) ||
  (cp >= 0x20000 && cp <= 0x3fffd)

/** The columns one grapheme takes in a terminal: 0, 1 or 2. */
const graphemeWidth = (grapheme: string): number => {
  const first = grapheme.codePointAt(0) ?? 0
  if (grapheme.length === 1 && (first < 0x20 || (first >= 0x7f && first < 0xa0))) return 0
  if (grapheme.includes("\ufe0f") || wide.test(String.fromCodePoint(first)) || isWideCodePoint(first)) return 2
  if (zeroWidth.test(String.fromCodePoint(first))) return 0
  return 1
}

/** How many terminal columns `text` takes. */
export const width = (text: string): number => {
  let total = 0
  for (const { segment } of graphemes.segment(text)) total += graphemeWidth(segment)
  return total
}

/** Whitespace runs (newlines, tabs) as single spaces, control characters dropped, trimmed. */
export const oneLine = (text: string): string =>
  text
    .replace(/\s+/gu, " ")
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
    .replace(/[\u0000-\u001f\u007f-\u009f]/gu, "")
    .trim()

/** `text` cut to at most `columns` columns, ending with "…" when something was cut. */
export const truncate = (text: string, columns: number): string => {
  if (columns <= 0) return ""
  if (width(text) <= columns) return text
  let out = ""
  let used = 0
  for (const { segment } of graphemes.segment(text)) {
    const w = graphemeWidth(segment)
    if (used + w > columns - 1) break
    out += segment
    used += w
  }
  return `${out.trimEnd()}…`
}

/** `text` padded with spaces to `columns` columns (on the right, or on the left with `align: "right"`). */
export const pad = (text: string, columns: number, align: "left" | "right" = "left"): string => {
  const fill = " ".repeat(Math.max(0, columns - width(text)))
  return align === "left" ? text + fill : fill + text
}

/**
 * `text` broken into lines of at most `columns` columns at spaces; a word wider than a line is cut into pieces.
 * Existing line breaks are kept; runs of spaces at a break are dropped.
 */
export const wrap = (text: string, columns: number): ReadonlyArray<string> => {
  const limit = Math.max(1, columns)
  const lines: Array<string> = []
  for (const paragraph of text.split("\n")) {
    let line = ""
    for (const word of paragraph.split(/ +/).filter((part) => part !== "")) {
      const candidate = line === "" ? word : `${line} ${word}`
      if (width(candidate) <= limit) {
        line = candidate
        continue
      }
      if (line !== "") lines.push(line)
      line = ""
      let rest = word
      while (width(rest) > limit) {
        let piece = ""
        for (const { segment } of graphemes.segment(rest)) {
          if (piece !== "" && width(piece + segment) > limit) break
          piece += segment
        }
        lines.push(piece)
        rest = rest.slice(piece.length)
      }
      line = rest
    }
    lines.push(line)
  }
  return lines
}
