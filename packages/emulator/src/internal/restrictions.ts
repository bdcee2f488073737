/**
 * What members may do in a chat, by entity type (`CIMChat::GetChatOptions()`): every table is merged over the
 * defaults, so the keys keep the default order; some add `path` and `path_title`.
 *
 * Not emulated: `SONET_GROUP`, `TASKS` and `CALENDAR` chats (their `path_title` is a localized label not in the
 * studied sources) fall back to the defaults, and `send` of the general chat (a portal right) is always `true`.
 *
 * @internal
 */

/**
 * The wire object.
 *
 * @internal
 */
export interface Restrictions {
  readonly avatar: boolean
  readonly rename: boolean
  readonly extend: boolean
  readonly call: boolean
  readonly mute: boolean
  readonly leave: boolean
  readonly leave_owner: boolean
  readonly send: boolean
  readonly user_list: boolean
  readonly path?: string
  readonly path_title?: string
}

const defaults: Restrictions = {
  avatar: true,
  rename: true,
  extend: true,
  call: true,
  mute: true,
  leave: true,
  leave_owner: true,
  send: true,
  user_list: true
}

const supportBot: Partial<Restrictions> = {
  avatar: false,
  rename: true,
  extend: false,
  call: false,
  mute: false,
  leave: false,
  leave_owner: false,
  user_list: false
}

const table = new Map<string, Restrictions>(
  (
    [
      ["GENERAL", { avatar: false, rename: false, extend: false, call: true, leave: false, leave_owner: false }],
      ["SUPPORT24_NOTIFIER", { avatar: false, rename: false, leave_owner: false }],
      ["SUPPORT24_QUESTION", supportBot],
      ["NETWORK_DIALOG", supportBot],
      [
        "CRM",
        { avatar: false, rename: false, extend: true, leave: true, leave_owner: false, path: "", path_title: "" }
      ],
      [
        "CALL",
        {
          avatar: true,
          rename: true,
          extend: false,
          call: false,
          mute: false,
          leave: false,
          leave_owner: false,
          send: true,
          user_list: true
        }
      ]
    ] as ReadonlyArray<readonly [string, Partial<Restrictions>]>
  ).map(([code, value]) => [code, { ...defaults, ...value }])
)

/**
 * The restrictions for an entity type (`DEFAULT` when the type has no table).
 *
 * @internal
 */
export const forEntityType = (entityType: string): Restrictions => table.get(entityType) ?? defaults

/**
 * The default restrictions.
 *
 * @internal
 */
export const defaultRestrictions: Restrictions = defaults
