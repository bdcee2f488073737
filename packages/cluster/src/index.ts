/**
 * Many Bitrix24 portals, many worker processes: the `im.recent.*` mirror as an `@effect/cluster` service. A `Portal`
 * entity per portal owns its request throttle, operating budgets and token renewal; shards and messages live in SQL
 * (the cluster's own `SqlMessageStorage` and `SqlRunnerStorage`); runners talk over sockets.
 *
 * @since 0.1.0
 */

/**
 * @since 0.1.0
 */
export * as InstallEvent from "./InstallEvent.js"
/**
 * @since 0.1.0
 */
export * as InstallHandler from "./InstallHandler.js"
/**
 * @since 0.1.0
 */
export * as Mirror from "./Mirror.js"
/**
 * @since 0.1.0
 */
export * as MirrorServer from "./MirrorServer.js"
/**
 * @since 0.1.0
 */
export * as PortalEntity from "./PortalEntity.js"
/**
 * @since 0.1.0
 */
export * as PortalRegistry from "./PortalRegistry.js"
/**
 * @since 0.1.0
 */
export * as Runner from "./Runner.js"
/**
 * @since 0.1.0
 */
export * as Scheduler from "./Scheduler.js"
/**
 * @since 0.1.0
 */
export * as UserSync from "./UserSync.js"
