/**
 * What members may do in a chat, by entity type (`CIMChat::GetChatOptions()`): every table is merged over the
 * defaults, so the keys keep the default order; some add `path` and `path_title`.
 *
 * `SONET_GROUP` and `TASKS` chats link to their group or task: `path` is the portal's page with `#ID#` for the
 * entity's id (the task path holds the caller's id), `path_title` the portal language's "View group" / "View task"
 * (`IM_PATH_TITLE_*`). Not emulated: `CALENDAR` chats (their table was not studied) fall back to the defaults, and
 * `send` of the general chat (a portal right) is always `true`.
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
 * Who is asking: the task path holds the caller's id, the path titles are in the portal's language.
 *
 * @internal
 */
export interface Viewer {
  readonly userId: number
  readonly language: "ru" | "en"
}

const pathTitles = {
  ru: { SONET_GROUP: "Перейти в группу", TASKS: "Перейти к задаче" },
  en: { SONET_GROUP: "View group", TASKS: "View task" }
} as const

const linked = (viewer: Viewer, entityType: "SONET_GROUP" | "TASKS"): Restrictions =>
  entityType === "SONET_GROUP"
    ? {
        ...defaults,
        avatar: false,
        rename: false,
        extend: false,
        leave: false,
        leave_owner: false,
        path: "/workgroups/group/#ID#/",
        path_title: pathTitles[viewer.language].SONET_GROUP
      }
    : {
        ...defaults,
        path: `/company/personal/user/${viewer.userId}/tasks/task/view/#ID#/`,
        path_title: pathTitles[viewer.language].TASKS
      }

/**
 * The restrictions for an entity type as `viewer` gets them (`DEFAULT` when the type has no table).
 *
 * @internal
 */
export const forEntityType = (entityType: string, viewer: Viewer): Restrictions =>
  entityType === "SONET_GROUP" || entityType === "TASKS"
    ? linked(viewer, entityType)
    : (table.get(entityType) ?? defaults)

/**
 * The default restrictions.
 *
 * @internal
 */
export const defaultRestrictions: Restrictions = defaults
