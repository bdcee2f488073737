/**
 * The whole state of an emulated portal: what `b_im_*` tables, user profiles, open-lines sessions,
 * webhooks and OAuth tokens a real Bitrix24 portal would hold for `im.recent.*`.
 *
 * It is plain data (camelCase JSON, ATOM dates), loadable from a file and dumpable, so a test can
 * start from an exact portal and a demo from a generated one. The wire format the REST methods emit
 * is derived from it by the server's rules; nothing here is pre-formatted output.
 *
 * @since 0.1.0
 */
import { AtomDateTime, ChatType } from "@im-recent/domain"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

const Id = Schema.Int.pipe(Schema.positive())
const OptionalId = Schema.Int.pipe(Schema.nonNegative())
const Atom = AtomDateTime.AtomDateTime
const JsonObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/**
 * What the AI module contributes to `im.recent.list`'s `copilot` object: the role catalogue (`roles`, keyed by role
 * code, emitted verbatim) and the user's recommended role codes. The `chats` / `messages` parts are not modelled.
 *
 * @since 0.1.0
 * @category schemas
 */
export const CopilotInfo = Schema.Struct({
  roles: JsonObject,
  recommendedRoles: Schema.Array(Schema.String)
}).annotations({ identifier: "CopilotInfo" })

/**
 * Portal-wide settings (the `portal` of a {@link PortalState}).
 *
 * - `publicUrl`: scheme + host; prefixed onto relative avatar URLs (`Common::getPublicDomain()`);
 * - `timeZone`: the server's default PHP zone (an IANA name or an offset such as `+03:00`): every date goes out as
 *   `date('c')` in it, and zone-less dates sent by clients are read in it;
 * - `language`: the labels of stripped BB codes (`[Attachment]` / `[Вложение]`, …);
 * - `colorsEnabled`: without colours every chat is MARENGO `#556574`;
 * - `copilotHistoryAvailable`: when `false`, copilot chats (`A`) are left out of the recent list;
 * - `generalChatId` (added): the general chat (`CIMChat::GetGeneralChatId()`), reported with `entity_type: "GENERAL"`
 *   and the general chat's restrictions; `null` when the portal has none;
 * - `viewCommonUsers` (added): the `view_common_users` option and the users' `viewCommonUsers` setting together:
 *   when on, `im.recent.list` also reads the shared "new employee" rows (`userId` 0) for intranet users;
 * - `collabAvailable` (added): when `false`, `im.recent.list` leaves collabs (`B`) out;
 * - `copilot` (added): the AI module's data for `im.recent.list`'s `copilot`; `null` makes it `null`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PortalSettings = Schema.Struct({
  domain: Schema.String,
  publicUrl: Schema.String,
  timeZone: Schema.String,
  language: Schema.Literal("ru", "en"),
  colorsEnabled: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  copilotHistoryAvailable: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  generalChatId: Schema.optionalWith(Schema.NullOr(Id), { default: () => null }),
  viewCommonUsers: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  collabAvailable: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  copilot: Schema.optionalWith(Schema.NullOr(CopilotInfo), { default: () => null })
}).annotations({ identifier: "PortalSettings" })

/**
 * An invitation to a user who never logged in (the `invited` field of dialog items).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Invitation = Schema.Struct({
  originatorId: Id,
  canResend: Schema.Boolean
}).annotations({ identifier: "Invitation" })

/**
 * A user profile: the source of `user`, of dialog titles and avatars. `active: false` is a fired
 * user; `copilot: true` marks the Copilot bot, whose dialogs the recent list drops.
 *
 * How the fields reach the wire: `name` is `firstName lastName`; a relative `avatar` gets the portal's
 * `publicUrl` in front, and `avatar_hr` is the unprefixed `avatar` (or `/bitrix/js/im/images/blank.gif`
 * without one); `phones: null` is `false`; `lastActivityDate`/`absent` go out as ATOM in the portal's zone
 * or `false`; `invited` shows on `im.recent.list` dialogs only while `lastActivityDate` is `null` (the user
 * never logged in), as `{ originator_id, can_resend }`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PortalUser = Schema.Struct({
  id: Id,
  active: Schema.Boolean,
  firstName: Schema.String,
  lastName: Schema.String,
  workPosition: Schema.String,
  gender: Schema.Literal("M", "F", ""),
  birthday: Schema.String.pipe(Schema.pattern(/^(\d{2}-\d{2})?$/)),
  color: Schema.String,
  avatar: Schema.String,
  email: Schema.String,
  website: Schema.String,
  phones: Schema.NullOr(Schema.Record({ key: Schema.String, value: Schema.String })),
  departments: Schema.Array(Id),
  extranet: Schema.Boolean,
  network: Schema.Boolean,
  bot: Schema.Boolean,
  connector: Schema.Boolean,
  copilot: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  externalAuthId: Schema.String,
  type: Schema.String,
  status: Schema.String,
  lastActivityDate: Schema.NullOr(Atom),
  absent: Schema.NullOr(Atom),
  botData: Schema.NullOr(JsonObject),
  invited: Schema.NullOr(Invitation)
}).annotations({ identifier: "PortalUser" })

/**
 * @since 0.1.0
 * @category models
 */
export interface PortalUser extends Schema.Schema.Type<typeof PortalUser> {}

/**
 * A user from their id and name; everything else takes an ordinary active employee's value (online,
 * department 1, no avatar, no phones, not a bot, extranet or network user, never absent).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeUser = (
  fields: Pick<PortalUser, "id" | "firstName" | "lastName" | "lastActivityDate"> & Partial<PortalUser>
): PortalUser => ({
  active: true,
  workPosition: "",
  gender: "M",
  birthday: "",
  color: "#df532d",
  avatar: "",
  email: "",
  website: "",
  phones: null,
  departments: [1],
  extranet: false,
  network: false,
  bot: false,
  connector: false,
  copilot: false,
  externalAuthId: "socservices",
  type: "user",
  status: "online",
  absent: null,
  botData: null,
  invited: null,
  ...fields
})

/**
 * Who may do what in a chat: `member`, `manager` or `owner`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const ChatPermissions = Schema.Struct({
  manageUsersAdd: Schema.String,
  manageUsersDelete: Schema.String,
  manageUi: Schema.String,
  manageSettings: Schema.String,
  canPost: Schema.String
}).annotations({ identifier: "ChatPermissions" })

/**
 * A chat (`b_im_chat`). One-to-one dialogs are chats of type `P` with two members.
 *
 * - `extendedType`: what `chat.type` reports (`chat`, `open`, `general`, `channel`, `openChannel`,
 *   `lines`, `videoconf`, `collab`, `copilot`, `tasksTask`, `sonetGroup`, `crm`, …);
 * - `colorCode`: a palette name (`RED`, `GREEN`, …) or `null`, which derives the colour from the id;
 * - `entityLink`: `{ type, url, id }`, empty strings when none;
 * - `public`: the public link of a videoconference, `null` otherwise.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PortalChat = Schema.Struct({
  id: Id,
  type: ChatType.ChatType,
  extendedType: Schema.String,
  title: Schema.String,
  description: Schema.String,
  ownerId: OptionalId,
  colorCode: Schema.NullOr(Schema.String),
  avatar: Schema.String,
  entityType: Schema.String,
  entityId: Schema.String,
  entityData1: Schema.String,
  entityData2: Schema.String,
  entityData3: Schema.String,
  parentChatId: OptionalId,
  parentMessageId: OptionalId,
  dateCreate: Atom,
  extranet: Schema.Boolean,
  containsCollaber: Schema.Boolean,
  textFieldEnabled: Schema.Boolean,
  backgroundId: Schema.NullOr(Schema.Union(Schema.Int, Schema.String)),
  entityLink: Schema.Struct({ type: Schema.String, url: Schema.String, id: Schema.String }),
  permissions: ChatPermissions,
  public: Schema.NullOr(JsonObject)
}).annotations({ identifier: "PortalChat" })

/**
 * @since 0.1.0
 * @category models
 */
export interface PortalChat extends Schema.Schema.Type<typeof PortalChat> {}

/**
 * Who may do what in a plain chat: members add users and change the look, managers remove users,
 * the owner changes settings, members post.
 *
 * @since 0.1.0
 * @category constructors
 */
export const defaultPermissions: Schema.Schema.Type<typeof ChatPermissions> = {
  manageUsersAdd: "member",
  manageUsersDelete: "manager",
  manageUi: "member",
  manageSettings: "owner",
  canPost: "member"
}

/**
 * A chat from the fields that make it what it is; everything else takes a plain chat's value (no
 * entity, no parent, no colour code — derived from the id —, no avatar, text field on,
 * {@link defaultPermissions}).
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeChat = (
  fields: Pick<PortalChat, "id" | "type" | "extendedType" | "title" | "ownerId" | "dateCreate"> & Partial<PortalChat>
): PortalChat => ({
  description: "",
  colorCode: null,
  avatar: "",
  entityType: "",
  entityId: "",
  entityData1: "",
  entityData2: "",
  entityData3: "",
  parentChatId: 0,
  parentMessageId: 0,
  extranet: false,
  containsCollaber: false,
  textFieldEnabled: true,
  backgroundId: null,
  entityLink: { type: "", url: "", id: "" },
  permissions: defaultPermissions,
  public: null,
  ...fields
})

/**
 * Membership (`b_im_relation`): the user's flags in one chat and the last message they read
 * (`last_id`). No relation means the user left (chat rows are then dropped).
 *
 * @since 0.1.0
 * @category schemas
 */
export const Relation = Schema.Struct({
  id: Id,
  chatId: Id,
  userId: Id,
  manager: Schema.Boolean,
  muted: Schema.Boolean,
  lastReadMessageId: OptionalId
}).annotations({ identifier: "Relation" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Relation extends Schema.Schema.Type<typeof Relation> {}

/**
 * A message (`b_im_message`). `text` keeps its BB codes; `authorId` 0 is a system message;
 * `notifyRead` is "someone has read it" (status `delivered`); `params.code` is e.g. `USER_JOIN` or `CHAT_LEAVE`;
 * `params.notify: false` (`NOTIFY=N`) is a message that counts as unread for nobody (the server's service messages);
 * `params.isDeleted` (`IS_DELETED=Y`) a message deleted softly (its text is then the portal's "deleted" label).
 *
 * `file`: `null`, a disk file, or `true` on legacy-chat portals; any of the last two adds ` [File]` to the
 * preview. `attach`: `null`, `true` (an attach id or a link preview: ` [Attachment]`) or the description of a
 * "first message" attach (appended as is). `sticker`: the decoded `STICKER_PARAMS` object; a bare integer
 * decodes to no array on the server and goes out as `null`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PortalMessage = Schema.Struct({
  id: Id,
  chatId: Id,
  authorId: OptionalId,
  text: Schema.String,
  date: Atom,
  file: Schema.NullOr(
    Schema.Union(Schema.Literal(true), Schema.Struct({ id: Id, type: Schema.String, name: Schema.String }))
  ),
  attach: Schema.NullOr(Schema.Union(Schema.Literal(true), Schema.String)),
  sticker: Schema.NullOr(Schema.Union(Schema.Int, JsonObject)),
  notifyRead: Schema.Boolean,
  uuid: Schema.NullOr(Schema.String),
  params: Schema.optionalWith(
    Schema.Struct({
      code: Schema.optionalWith(Schema.String, { exact: true }),
      notify: Schema.optionalWith(Schema.Boolean, { exact: true }),
      isDeleted: Schema.optionalWith(Schema.Boolean, { exact: true })
    }),
    { default: () => ({}) }
  )
}).annotations({ identifier: "PortalMessage" })

/**
 * @since 0.1.0
 * @category models
 */
export interface PortalMessage extends Schema.Schema.Type<typeof PortalMessage> {}

/**
 * A row of the recent list (`b_im_recent`), keyed by `(userId, itemType, itemId)`. For a dialog
 * (`P`) `itemId` is the other user's id, otherwise the chat id. `messageId` 0 means no message;
 * `relationId`, `sessionId` and `chatId` 0 mean none (a shared "new employee" row of `userId` 0, or a dialog
 * whose chat is gone). `dateMessage` falls back to `dateUpdate` when `null`. The relation is joined through
 * `relationId` (its `lastReadMessageId` is `last_id`, its `muted` the `mute_list`), the counter through the
 * caller's membership of `chatId`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RecentRow = Schema.Struct({
  userId: OptionalId,
  itemType: ChatType.ChatType,
  itemId: Id,
  chatId: OptionalId,
  messageId: OptionalId,
  relationId: OptionalId,
  sessionId: OptionalId,
  pinned: Schema.Boolean,
  unread: Schema.Boolean,
  dateUpdate: Atom,
  dateLastActivity: Atom,
  dateMessage: Schema.NullOr(Atom)
}).annotations({ identifier: "RecentRow" })

/**
 * @since 0.1.0
 * @category models
 */
export interface RecentRow extends Schema.Schema.Type<typeof RecentRow> {}

/**
 * An open-lines session (`b_imopenlines_session`): the `lines` object of `L` items.
 *
 * @since 0.1.0
 * @category schemas
 */
export const OpenLinesSession = Schema.Struct({
  id: Id,
  chatId: Id,
  status: Schema.Int,
  dateCreate: Schema.NullOr(Atom)
}).annotations({ identifier: "OpenLinesSession" })

/**
 * @since 0.1.0
 * @category models
 */
export interface OpenLinesSession extends Schema.Schema.Type<typeof OpenLinesSession> {}

/**
 * An incoming webhook: calls run as `userId` within `scopes`; `expiresAt` `null` never expires.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Webhook = Schema.Struct({
  userId: Id,
  code: Schema.String.pipe(Schema.minLength(1)),
  scopes: Schema.Array(Schema.String),
  expiresAt: Schema.optionalWith(Schema.NullOr(Atom), { default: () => null })
}).annotations({ identifier: "Webhook" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Webhook extends Schema.Schema.Type<typeof Webhook> {}

/**
 * An OAuth application installed on the portal. `applicationToken` (added) is the secret the portal puts in the
 * events it sends the application (`auth[application_token]`, `ONAPPINSTALL` first), so the application can tell
 * them from forgeries; without it, one is derived from the application's id and secret (the same on every run).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OAuthApp = Schema.Struct({
  clientId: Schema.String.pipe(Schema.minLength(1)),
  clientSecret: Schema.String.pipe(Schema.minLength(1)),
  scopes: Schema.Array(Schema.String),
  applicationToken: Schema.optionalWith(Schema.String.pipe(Schema.minLength(1)), { exact: true })
}).annotations({ identifier: "OAuthApp" })

/**
 * @since 0.1.0
 * @category models
 */
export interface OAuthApp extends Schema.Schema.Type<typeof OAuthApp> {}

/**
 * An issued token pair. `accessExpiresAt` / `refreshExpiresAt` are Unix seconds; a refresh replaces
 * the pair (the old refresh token stops working).
 *
 * @since 0.1.0
 * @category schemas
 */
export const OAuthTokenPair = Schema.Struct({
  clientId: Schema.String,
  userId: Id,
  accessToken: Schema.String.pipe(Schema.minLength(1)),
  refreshToken: Schema.String.pipe(Schema.minLength(1)),
  scopes: Schema.Array(Schema.String),
  accessExpiresAt: Schema.Int,
  refreshExpiresAt: Schema.Int
}).annotations({ identifier: "OAuthTokenPair" })

/**
 * @since 0.1.0
 * @category models
 */
export interface OAuthTokenPair extends Schema.Schema.Type<typeof OAuthTokenPair> {}

/**
 * The whole portal.
 *
 * @since 0.1.0
 * @category schemas
 */
export const PortalState = Schema.Struct({
  version: Schema.Literal(1),
  portal: PortalSettings,
  users: Schema.Array(PortalUser),
  chats: Schema.Array(PortalChat),
  relations: Schema.Array(Relation),
  messages: Schema.Array(PortalMessage),
  recent: Schema.Array(RecentRow),
  openLinesSessions: Schema.Array(OpenLinesSession),
  webhooks: Schema.Array(Webhook),
  oauthApps: Schema.Array(OAuthApp),
  oauthTokens: Schema.Array(OAuthTokenPair)
}).annotations({ identifier: "PortalState" })

/**
 * @since 0.1.0
 * @category models
 */
export interface PortalState extends Schema.Schema.Type<typeof PortalState> {}

/**
 * @since 0.1.0
 * @category models
 */
export interface PortalStateEncoded extends Schema.Schema.Encoded<typeof PortalState> {}

/**
 * Reads a state from JSON text; a bad file fails with the path of the first wrong field.
 *
 * @since 0.1.0
 * @category serialization
 */
export const fromJson = (text: string) =>
  Schema.decodeUnknown(Schema.parseJson(PortalState), { errors: "all", onExcessProperty: "error" })(text)

/**
 * Writes a state as pretty JSON that {@link fromJson} reads back.
 *
 * @since 0.1.0
 * @category serialization
 */
export const toJson = (state: PortalState): Effect.Effect<string> =>
  Schema.encode(Schema.parseJson(PortalState, { space: 2 }))(state).pipe(Effect.orDie)
