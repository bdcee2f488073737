/**
 * The `time` object every REST response carries.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { AtomDateTime } from "./AtomDateTime.js"

/**
 * `start`/`finish` are Unix seconds with fractions, `duration`/`processing` seconds,
 * `date_start`/`date_finish` ATOM in the server's zone. `operating` is the method's accumulated
 * execution time (seconds) in the last ten minutes and `operating_reset_at` the Unix time when its
 * oldest minute bucket expires; portals without the operating limit omit both.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ResponseTime = Schema.Struct({
  start: Schema.Finite,
  finish: Schema.Finite,
  duration: Schema.Finite,
  processing: Schema.Finite,
  date_start: AtomDateTime,
  date_finish: AtomDateTime,
  operating_reset_at: Schema.optionalWith(Schema.Finite, { exact: true }),
  operating: Schema.optionalWith(Schema.Finite, { exact: true })
}).annotations({ identifier: "ResponseTime" })

/**
 * @since 0.1.0
 * @category models
 */
export interface ResponseTime extends Schema.Schema.Type<typeof ResponseTime> {}
