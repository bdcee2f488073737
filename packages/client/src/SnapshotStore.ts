/**
 * Where `RecentSync` keeps its snapshot of the recent list: in memory by default, or anywhere that
 * can store the snapshot's encoded form (`Schema.encode(Snapshot)` gives plain JSON).
 *
 * @since 0.1.0
 */
import { AtomDateTime, RecentItem } from "@im-recent/domain"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Ref from "effect/Ref"
import * as Schema from "effect/Schema"

/**
 * The recent list as last synced: whose list it is (`portal`, `user`) and with which filters (`params`), the items
 * in the server's order, the `LAST_SYNC_DATE` for the next delta (the last response's `time.date_start`) and when
 * the last full reload happened (local clock).
 *
 * `RecentSync` writes `portal`, `user` and `params` with every snapshot and reloads in full when they differ from its
 * own (reason `"mismatch"`). They are optional so that a snapshot saved before they existed still decodes; it then
 * counts as a mismatch.
 *
 * @since 0.1.0
 * @category schemas
 */
export const Snapshot = Schema.Struct({
  /** The portal's base URL (`Bitrix24.Service.portal`). */
  portal: Schema.optionalWith(Schema.String, { exact: true }),
  /** Whose list: the caller (`Bitrix24.Service.identity`, e.g. `webhook:1`). */
  user: Schema.optionalWith(Schema.String, { exact: true }),
  /** The filters on the wire, the flags that are on (`{ "SKIP_OPENLINES": "Y" }`; `{}` for none). */
  params: Schema.optionalWith(Schema.Record({ key: Schema.String, value: Schema.String }), { exact: true }),
  items: Schema.Array(RecentItem.RecentItem),
  syncDate: AtomDateTime.AtomDateTime,
  fullAt: Schema.DateTimeUtc
}).annotations({ identifier: "RecentSnapshot" })

/**
 * @since 0.1.0
 * @category models
 */
export interface Snapshot extends Schema.Schema.Type<typeof Snapshot> {}

/**
 * The store failed to load or save the snapshot.
 *
 * @since 0.1.0
 * @category errors
 */
export class SnapshotStoreError extends Schema.TaggedError<SnapshotStoreError>(
  "@im-recent/client/SnapshotStore/SnapshotStoreError"
)("SnapshotStoreError", {
  operation: Schema.Literal("load", "save"),
  description: Schema.String
}) {
  /**
   * @since 0.1.0
   */
  override get message(): string {
    return `The snapshot store failed to ${this.operation} the snapshot: ${this.description}`
  }
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  readonly load: Effect.Effect<Option.Option<Snapshot>, SnapshotStoreError>
  readonly save: (snapshot: Snapshot) => Effect.Effect<void, SnapshotStoreError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class SnapshotStore extends Context.Tag("@im-recent/client/SnapshotStore")<SnapshotStore, Service>() {}

/**
 * An in-memory store, optionally seeded.
 *
 * @since 0.1.0
 * @category constructors
 */
export const makeMemory = (initial?: Snapshot): Effect.Effect<Service> =>
  Effect.map(Ref.make(Option.fromNullable(initial)), (ref) => ({
    load: Ref.get(ref),
    save: (snapshot) => Ref.set(ref, Option.some(snapshot))
  }))

/**
 * @since 0.1.0
 * @category layers
 */
export const layerMemory = (initial?: Snapshot): Layer.Layer<SnapshotStore> =>
  Layer.effect(SnapshotStore, makeMemory(initial))

/**
 * A store layer from two functions.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (service: Service): Layer.Layer<SnapshotStore> => Layer.succeed(SnapshotStore, service)
