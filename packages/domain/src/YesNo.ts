/**
 * Bitrix24's `"Y"` / `"N"` flags.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * `"Y"` <-> `true`, `"N"` <-> `false`.
 *
 * The server turns a flag on only for exactly `"Y"`; encoding a boolean through this schema always
 * sends one of the two accepted spellings.
 *
 * @since 0.1.0
 * @category schemas
 */
export const YesNo: Schema.Schema<boolean, "Y" | "N"> = Schema.transformLiterals(["Y", true], ["N", false]).annotations(
  { identifier: "YesNo" }
)

/**
 * The wire spelling of a boolean.
 *
 * @since 0.1.0
 * @category encoding
 */
export const fromBoolean = (value: boolean): "Y" | "N" => (value ? "Y" : "N")
