/**
 * Reading @effect/cli's `HelpDoc` documents as plain text: the help pages and the flag errors are both built from
 * what the commands' descriptors say about themselves.
 */
import type * as HelpDoc from "@effect/cli/HelpDoc"
import type * as Span from "@effect/cli/HelpDoc/Span"

/** A span's text, styles dropped. */
export const spanText = (span: Span.Span): string => {
  switch (span._tag) {
    case "Text":
    case "URI":
      return span.value
    case "Sequence":
      return spanText(span.left) + spanText(span.right)
    default:
      return spanText(span.value)
  }
}

/** The blocks of a help document in reading order. */
export const blocks = (doc: HelpDoc.HelpDoc): ReadonlyArray<HelpDoc.HelpDoc> =>
  doc._tag === "Sequence" ? [...blocks(doc.left), ...blocks(doc.right)] : doc._tag === "Empty" ? [] : [doc]

/** The paragraphs of a document, joined with spaces. */
export const paragraphs = (doc: HelpDoc.HelpDoc): string =>
  blocks(doc)
    .flatMap((block) => (block._tag === "Paragraph" ? [spanText(block.value)] : []))
    .join(" ")

/** The blocks under `heading`, up to the next heading. */
export const section = (doc: HelpDoc.HelpDoc, heading: string): ReadonlyArray<HelpDoc.HelpDoc> => {
  const all = blocks(doc)
  const start = all.findIndex((block) => block._tag === "Header" && spanText(block.value) === heading)
  if (start === -1) return []
  const end = all.findIndex((block, i) => i > start && block._tag === "Header")
  return all.slice(start + 1, end === -1 ? undefined : end)
}

/**
 * The parser documents an option as `(type note, description)`, and an optional one as `((type note, description),
 * "This setting is optional.")`: the innermost pair.
 */
const innermostPair = (doc: HelpDoc.HelpDoc): HelpDoc.HelpDoc => {
  let pair = doc
  while (pair._tag === "Sequence" && pair.left._tag === "Sequence") pair = pair.left
  return pair
}

/** An option's own description (the right side of the innermost pair). */
export const ownDescription = (doc: HelpDoc.HelpDoc): string => {
  const pair = innermostPair(doc)
  return pair._tag === "Sequence" ? paragraphs(pair.right) : ""
}

/** The parser's note on an option's type: `An integer.`, `One of the following: ru, en`, … */
export const typeNote = (doc: HelpDoc.HelpDoc): string => {
  const pair = innermostPair(doc)
  return pair._tag === "Sequence" ? paragraphs(pair.left) : paragraphs(pair)
}

/** The options of a command's help: each term (`--since ATOM|DURATION`) and its documentation. */
export const optionEntries = (
  help: HelpDoc.HelpDoc
): ReadonlyArray<{ readonly term: string; readonly doc: HelpDoc.HelpDoc }> =>
  section(help, "OPTIONS").flatMap((block) =>
    block._tag === "DescriptionList"
      ? block.definitions.map(([term, doc]) => ({ term: spanText(term).trim(), doc }))
      : []
  )
