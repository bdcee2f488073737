/**
 * The order of `im.recent.get` results.
 *
 * The server sorts in PHP after building the items: `Bitrix\Main\Type\Collection::sortByColumn` with
 * `PINNED DESC, MESSAGE DESC, ID DESC`, i.e. `array_multisort` with PHP 8's standard comparison:
 *
 * 1. pinned items first;
 * 2. then `message.date` as a Unix timestamp (whole seconds), newest first;
 * 3. then `id` descending, compared like PHP's `<=>`: user ids (ints) numerically, `"chatN"` ids byte-wise as strings,
 *    and an int against `"chatN"` as strings, so every chat ranks above every user at the same second and
 *    `"chat9"` ranks above `"chat100"`, which ranks above `"chat10"`.
 *
 * `array_multisort` is stable, so items that tie on all three keep their relative order.
 *
 * @since 0.1.0
 */
import type * as DateTime from "effect/DateTime"
import type * as order from "effect/Order"
import * as PhpValue from "./PhpValue.js"

/**
 * The parts of a recent item the order reads; any item with these fields can be sorted.
 *
 * @since 0.1.0
 * @category models
 */
export interface Item {
  readonly id: number | string
  readonly pinned: boolean
  readonly message: { readonly date: DateTime.DateTime }
}

/**
 * PHP 8's `$a <=> $b` on item ids: ints numerically; an int and a numeric string numerically; an int and a non-numeric
 * string as strings (the int's decimal digits, byte-wise); two numeric strings numerically (leading and trailing
 * white space allowed, as in PHP 8); any other two strings byte-wise.
 *
 * Lawful (a total order) over ints and strings that start with a letter, which covers every id Bitrix produces.
 *
 * @since 0.1.0
 * @category comparison
 */
export const compareIds: (a: number | string, b: number | string) => -1 | 0 | 1 = PhpValue.compare

/**
 * The whole seconds of a `DateTime`, as `Bitrix\Main\Type\DateTime::getTimestamp()` returns them.
 *
 * @since 0.1.0
 * @category comparison
 */
export const timestampOf = (date: DateTime.DateTime): number => Math.floor(date.epochMillis / 1000)

/**
 * Pinned first, then newest `message.date` (whole seconds), then greatest `id` (PHP comparison).
 *
 * @since 0.1.0
 * @category instances
 */
export const Order: order.Order<Item> = (a, b) => {
  if (a.pinned !== b.pinned) return a.pinned ? -1 : 1
  const ta = timestampOf(a.message.date)
  const tb = timestampOf(b.message.date)
  if (ta !== tb) return ta > tb ? -1 : 1
  const byId = PhpValue.compare(a.id, b.id)
  return byId === 0 ? 0 : byId > 0 ? -1 : 1
}

/**
 * Sorts items the way the server does (a stable sort by {@link Order}); returns a new array.
 *
 * @since 0.1.0
 * @category sorting
 */
export const sort = <A extends Item>(items: Iterable<A>): Array<A> => Array.from(items).sort(Order)
