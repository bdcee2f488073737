/**
 * ATOM date-times as Bitrix24 writes them: `YYYY-MM-DDThh:mm:ss±hh:mm` (PHP `date('c')`).
 *
 * @since 0.1.0
 */
export * as AtomDateTime from "./AtomDateTime.js"
