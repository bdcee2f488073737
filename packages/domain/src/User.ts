/**
 * User profiles as `im.recent.*` emits them under `user`.
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { AtomDateTimeOrFalse } from "./AtomDateTime.js"
import { FAIL, FastPathId } from "./internal/fastPath.js"
import { falseAsNull, LenientInt } from "./internal/wire.js"

const DD_MM = /^\d{2}-\d{2}$/

/**
 * `"DD-MM"`, or `""` / `false` when not set. Kept exactly as it came, so that encoding a decoded
 * profile writes the same value back (`false` stays `false`, `""` stays `""`); {@link birthdayOf}
 * reads it as an `Option`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Birthday: Schema.Schema<string | false> = Schema.Union(
  Schema.Literal("", false),
  Schema.String.pipe(Schema.pattern(DD_MM))
).annotations({
  identifier: "Birthday",
  [FastPathId]: (input: unknown): unknown =>
    input === "" || input === false ? input : typeof input === "string" && DD_MM.test(input) ? input : FAIL
})

/**
 * The birthday as `"DD-MM"`, or none when the profile has none (`""` or `false` on the wire).
 *
 * @since 0.1.0
 * @category getters
 */
export const birthdayOf = (user: { readonly birthday: string | false }): Option.Option<string> =>
  user.birthday === false || user.birthday === "" ? Option.none() : Option.some(user.birthday)

/**
 * A full user profile (`V2\Entity\User\User::getArray`, lower-cased). The fields after `absent` were
 * added to the recent list in later builds and are optional.
 *
 * @since 0.1.0
 * @category schemas
 */
export const User = Schema.Struct({
  id: LenientInt,
  active: Schema.optionalWith(Schema.Boolean, { exact: true }),
  name: Schema.String,
  first_name: Schema.String,
  last_name: Schema.String,
  work_position: Schema.String,
  color: Schema.String,
  avatar: Schema.String,
  avatar_hr: Schema.optionalWith(Schema.String, { exact: true }),
  gender: Schema.String,
  birthday: Birthday,
  extranet: Schema.Boolean,
  network: Schema.Boolean,
  bot: Schema.Boolean,
  connector: Schema.Boolean,
  external_auth_id: Schema.String,
  status: Schema.String,
  idle: AtomDateTimeOrFalse,
  last_activity_date: AtomDateTimeOrFalse,
  mobile_last_date: AtomDateTimeOrFalse,
  desktop_last_date: Schema.optionalWith(AtomDateTimeOrFalse, { exact: true }),
  absent: AtomDateTimeOrFalse,
  departments: Schema.optionalWith(Schema.Array(LenientInt), { exact: true }),
  phones: Schema.optionalWith(falseAsNull(Schema.Record({ key: Schema.String, value: Schema.String })), {
    exact: true
  }),
  bot_data: Schema.optionalWith(Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.Unknown })), {
    exact: true
  }),
  type: Schema.optionalWith(Schema.String, { exact: true }),
  website: Schema.optionalWith(Schema.String, { exact: true }),
  email: Schema.optionalWith(Schema.String, { exact: true })
}).annotations({ identifier: "User" })

/**
 * @since 0.1.0
 * @category models
 */
export interface User extends Schema.Schema.Type<typeof User> {}

/**
 * The author of a system message: `{ "id": 0 }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const SystemAuthor = Schema.Struct({ id: Schema.Literal(0) }).annotations({ identifier: "SystemAuthor" })

/**
 * @since 0.1.0
 * @category models
 */
export interface SystemAuthor extends Schema.Schema.Type<typeof SystemAuthor> {}

/**
 * Whether a `user` value is a full profile (and not the `{ id: 0 }` system author).
 *
 * @since 0.1.0
 * @category guards
 */
export const isProfile = (user: User | SystemAuthor): user is User => "name" in user
