/**
 * `Bitrix\Im\Chat::getType`: the camelCase type a chat reports in `chat.type`.
 *
 * @internal
 */

const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#039;"
}

/**
 * `private` for `P`; else the entity type in camelCase (`SONET_GROUP` is `sonetGroup`, `TASKS_TASK` `tasksTask`,
 * `VIDEOCONF` `videoconf`), HTML-escaped as `htmlspecialcharsbx` does; else `open` for `O` and `chat` for the rest.
 * The general chat (`general`) is the caller's business: it has no entity type of its own.
 *
 * @internal
 */
export const extendedTypeOf = (type: string, entityType: string): string => {
  if (type === "P") return "private"
  const entity = entityType.trim()
  if (entity !== "") {
    const camel = entity
      .toLowerCase()
      .split("_")
      .map((part, i) => (i === 0 || part === "" ? part : part[0]!.toUpperCase() + part.slice(1)))
      .join("")
    return camel.replace(/[&<>"']/g, (c) => ESCAPES[c]!)
  }
  return type === "O" ? "open" : "chat"
}
