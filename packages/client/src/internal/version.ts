/** The package version sent in `User-Agent`. */
export const version = "0.1.0"

/** `User-Agent` of every request. */
export const userAgent = `im-recent/${version}`
