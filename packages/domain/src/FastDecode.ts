/**
 * Schema decoding for large payloads: the same schema, the same result, several times faster.
 *
 * `Schema.decodeUnknown*` interprets the schema's AST with full error bookkeeping at every node. A
 * `im.recent.get` response carries thousands of items of ~100 fields each, and that bookkeeping is
 * most of the cost. This module compiles a schema's AST once into plain closures that only answer
 * "valid, and here is the decoded value" or "not valid". Whenever the fast path says "not valid",
 * the regular decoder runs on the same input and reports the error exactly as usual.
 *
 * Every node type the compiler does not handle (and every node with parse-option or
 * decoding-fallback annotations) is delegated to the regular decoder, so the result is always the
 * regular decoder's result. Validation is never skipped: refinements, transformations and
 * declarations run the schema's own functions — except for a few hot leaf schemas of this package
 * (`LenientInt`, `AtomDateTime`, the `[]`/`false`/`""` sentinels) that carry a hand-compiled
 * equivalent of their own decoding, checked against the regular decoder by the tests.
 *
 * Decoded objects are built by generated constructors (one per combination of present optional
 * properties) whose `prototype` is `Object.prototype`: plain objects, like a literal's, but without
 * a literal's allocation site, on which V8 decides to allocate straight in the old generation once
 * it has seen a decoded response survive a collection (pretenuring). A client that decodes response
 * after response then filled the old generation with garbage that pointed at the young parsed input,
 * and every minor GC had to copy that input: decoding took twice as long. Unions that dispatch on a
 * literal property (`type: "user" | "chat"`) go straight to the matching member.
 *
 * Generating the code needs `new Function`: where code generation from strings is not allowed (a
 * Content-Security-Policy without `'unsafe-eval'`, Node's `--disallow-code-generation-from-strings`)
 * every decoder is the regular one ({@link compiles}).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import * as AST from "effect/SchemaAST"
import { FAIL, type Fail, FastPathId } from "./internal/fastPath.js"

type Fast = (input: unknown) => unknown

interface Mode {
  readonly options: AST.ParseOptions
  readonly excessError: boolean
  readonly exact: boolean
  readonly memo: WeakMap<AST.AST, Fast>
}

const modes = new Map<string, Mode>()
const modeFor = (options: AST.ParseOptions | undefined): Mode | undefined => {
  if (options?.onExcessProperty === "preserve" || options?.propertyOrder === "original") return undefined
  const excessError = options?.onExcessProperty === "error"
  const exact = options?.exact === true
  const key = `${excessError}/${exact}/${options?.errors ?? "first"}`
  let mode = modes.get(key)
  if (mode === undefined) {
    mode = { options: options ?? AST.defaultParseOption, excessError, exact, memo: new WeakMap() }
    modes.set(key, mode)
  }
  return mode
}

/** The regular decoder for one node, as a fast-path closure. */
const delegate = (ast: AST.AST, mode: Mode): Fast => {
  const parse = ParseResult.decodeUnknownEither({ ast } as Schema.Schema<unknown, unknown>, mode.options)
  return (input) => {
    const result = parse(input)
    return Either.isRight(result) ? result.right : FAIL
  }
}

/**
 * Transformations and declarations return an `Either` when they are synchronous (all of ours are): its `Right` is the
 * value; anything else (a `Left`, an asynchronous effect) fails the fast path.
 */
const settle = (result: Effect.Effect<unknown, ParseResult.ParseIssue, unknown>): unknown =>
  Either.isEither(result) && Either.isRight(result) ? result.right : FAIL

const compile = (ast: AST.AST, mode: Mode): Fast => {
  let compiled = mode.memo.get(ast)
  if (compiled === undefined) {
    compiled = compileNode(ast, mode)
    mode.memo.set(ast, compiled)
  }
  return compiled
}

const hasParseAnnotations = (ast: AST.AST): boolean =>
  Option.isSome(AST.getParseOptionsAnnotation(ast)) || Option.isSome(AST.getDecodingFallbackAnnotation(ast))

const compileNode = (ast: AST.AST, mode: Mode): Fast => {
  if (hasParseAnnotations(ast)) return delegate(ast, mode)
  const fastPath = ast.annotations[FastPathId]
  if (typeof fastPath === "function") return fastPath as Fast
  switch (ast._tag) {
    case "Literal": {
      const literal = ast.literal
      return (input) => (input === literal ? input : FAIL)
    }
    case "StringKeyword":
      return (input) => (typeof input === "string" ? input : FAIL)
    case "NumberKeyword":
      return (input) => (typeof input === "number" ? input : FAIL)
    case "BooleanKeyword":
      return (input) => (typeof input === "boolean" ? input : FAIL)
    case "UndefinedKeyword":
      return (input) => (input === undefined ? input : FAIL)
    case "UnknownKeyword":
    case "AnyKeyword":
      return (input) => input
    case "TemplateLiteral": {
      const regex = AST.getTemplateLiteralRegExp(ast)
      return ast.spans.every((span) => AST.isStringKeyword(span.type))
        ? delegate(ast, mode)
        : (input) => (typeof input === "string" && regex.test(input) ? input : FAIL)
    }
    case "Refinement":
      return compileRefinement(ast, mode)
    case "Transformation":
      return compileTransformation(ast, mode)
    case "Declaration": {
      const parse = ast.decodeUnknown(...ast.typeParameters)
      const options = mode.options
      return (input) => settle(parse(input, options, ast))
    }
    case "TypeLiteral":
      return compileTypeLiteral(ast, mode) ?? delegate(ast, mode)
    case "TupleType":
      return compileTuple(ast, mode) ?? delegate(ast, mode)
    case "Union":
      return compileUnion(ast, mode) ?? delegate(ast, mode)
    default:
      return delegate(ast, mode)
  }
}

const compileRefinement = (ast: AST.Refinement, mode: Mode): Fast => {
  const from = compile(ast.from, mode)
  const filter = ast.filter
  const options = mode.options
  return (input) => {
    const value = from(input)
    return value === FAIL || Option.isSome(filter(value, options, ast)) ? FAIL : value
  }
}

const compileTransformation = (ast: AST.Transformation, mode: Mode): Fast => {
  const from = compile(ast.from, mode)
  const to = compile(ast.to, mode)
  const kind = ast.transformation
  switch (kind._tag) {
    case "ComposeTransformation":
      return (input) => {
        const value = from(input)
        return value === FAIL ? FAIL : to(value)
      }
    case "FinalTransformation": {
      const decode = kind.decode
      const options = mode.options
      return (input) => {
        const value = from(input)
        if (value === FAIL) return FAIL
        const transformed = settle(decode(value, options, ast, input))
        return transformed === FAIL ? FAIL : to(transformed)
      }
    }
    default:
      return delegate(ast, mode)
  }
}

const isRecord = (input: unknown): input is Record<string, unknown> =>
  typeof input === "object" && input !== null && !Array.isArray(input)

const isStringParameter = (parameter: AST.AST): boolean =>
  parameter._tag === "StringKeyword" || (parameter._tag === "Refinement" && isStringParameter(parameter.from))

const compileTypeLiteral = (ast: AST.TypeLiteral, mode: Mode): Fast | undefined => {
  if (ast.propertySignatures.length === 0 && ast.indexSignatures.length === 0) return undefined
  if (ast.propertySignatures.some((ps) => typeof ps.name !== "string")) return undefined
  if (ast.indexSignatures.some((is) => !isStringParameter(is.parameter))) return undefined
  return ast.indexSignatures.length === 0 ? generateStruct(ast, mode) : compileRecord(ast, mode)
}

/**
 * The condition under which `value` (a variable name) is not valid for `ast`, as code, for the leaf nodes whose
 * compiled parser is a single `typeof` or `===` test (what {@link compileNode} would compile them to); `"false"`
 * when every value is valid; `undefined` for everything else.
 */
const inlineCheck = (ast: AST.AST, value: string): string | undefined => {
  if (hasParseAnnotations(ast) || typeof ast.annotations[FastPathId] === "function") return undefined
  switch (ast._tag) {
    case "StringKeyword":
      return `typeof ${value} !== "string"`
    case "NumberKeyword":
      return `typeof ${value} !== "number"`
    case "BooleanKeyword":
      return `typeof ${value} !== "boolean"`
    case "UnknownKeyword":
    case "AnyKeyword":
      return "false"
    case "Literal": {
      const literal = ast.literal
      return literal === null || typeof literal === "string" || typeof literal === "boolean" || Number.isFinite(literal)
        ? `${value} !== ${JSON.stringify(literal)}`
        : undefined
    }
    default:
      return undefined
  }
}

/** Structs with more optional properties than this are built property by property. */
const MAX_MASK_BITS = 24
/** How many object shapes (sets of present optional properties) one struct gets a generated builder for. */
const MAX_BUILDERS = 64

/**
 * Fixed-key structs become generated code with constant property names, so every property access
 * gets its own inline cache; the regular decoder's keyed access in a loop cannot.
 *
 * The output object is built by one generated constructor holding exactly the present properties, in
 * the schema's order (what the regular decoder produces): a single allocation with in-object fields
 * (V8's slack tracking sizes them), where adding properties one by one to `{}` would reallocate the
 * out-of-object property store several times per object, and without the allocation site of an
 * object literal (see the module's notes on pretenuring). One builder is generated per combination of
 * present optional properties, on first sight (a payload uses a handful).
 */
const generateStruct = (ast: AST.TypeLiteral, mode: Mode): Fast => {
  const signatures = ast.propertySignatures
  const parsers = signatures.map((ps) => compile(ps.type, mode))
  const keys = signatures.map((ps) => JSON.stringify(ps.name))
  const optional: Array<number> = []
  signatures.forEach((ps, i) => {
    if (ps.isOptional) optional.push(i)
  })
  const lines: Array<string> = ["if (typeof input !== 'object' || input === null || Array.isArray(input)) return FAIL"]
  if (mode.excessError) {
    lines.push("for (const key of Reflect.ownKeys(input)) if (!expected.has(key)) return FAIL")
  }
  // (a literal's `"__proto__": v` would set the prototype instead of a property)
  const useMask = optional.length <= MAX_MASK_BITS && !signatures.some((ps) => ps.name === "__proto__")
  if (useMask) {
    lines.push("let mask = 0")
    signatures.forEach((ps, i) => {
      // leaf checks (`typeof`, `===`) are written out; everything else calls its compiled parser
      const invalid = inlineCheck(ps.type, `v${i}`)
      const parse =
        invalid === undefined
          ? `v${i} = p[${i}](v${i}); if (v${i} === FAIL) return FAIL`
          : invalid === "false"
            ? ""
            : `if (${invalid}) return FAIL`
      if (ps.isOptional) {
        lines.push(
          `let v${i} = input[${keys[i]}]; if (v${i} !== undefined || hasOwn.call(input, ${keys[i]})) { ${parse}; mask |= ${1 << optional.indexOf(i)} }`
        )
      } else {
        if (mode.exact) lines.push(`if (!hasOwn.call(input, ${keys[i]})) return FAIL`)
        lines.push(`let v${i} = input[${keys[i]}]; ${parse}`)
      }
    })
    const args = signatures.map((_, i) => `v${i}`).join(", ")
    lines.push(
      optional.length === 0
        ? `return new (builders[0] ?? builderFor(0))(${args})`
        : `return new (builders[mask] ?? builderFor(mask))(${args})`
    )
  } else {
    lines.push("const output = {}")
    signatures.forEach((ps, i) => {
      const parse = `const v${i} = p[${i}](input[${keys[i]}]); if (v${i} === FAIL) return FAIL; output[${keys[i]}] = v${i}`
      if (ps.isOptional) lines.push(`if (hasOwn.call(input, ${keys[i]})) { ${parse} }`)
      else if (mode.exact) lines.push(`if (!hasOwn.call(input, ${keys[i]})) return FAIL`, parse)
      else lines.push(parse)
    })
    lines.push("return output")
  }
  const builders: Array<(...values: Array<unknown>) => object> = []
  let builderCount = 0
  const params = signatures.map((_, i) => `v${i}`).join(", ")
  const present = (mask: number, i: number): boolean =>
    !signatures[i]!.isOptional || (mask & (1 << optional.indexOf(i))) !== 0
  const builderFor = (mask: number): ((...values: Array<unknown>) => object) => {
    if (builderCount >= MAX_BUILDERS) {
      // past the cap, an object built property by property (same keys, same order); called with `new`, so a
      // function declaration (whose returned object `new` gives back), not an arrow
      function byProperty(...values: Array<unknown>): object {
        const output: Record<string, unknown> = {}
        for (let i = 0; i < signatures.length; i++)
          if (present(mask, i)) output[signatures[i]!.name as string] = values[i]
        return output
      }
      return byProperty
    }
    const fields = signatures.flatMap((_, i) => (present(mask, i) ? [`this[${keys[i]}] = v${i}`] : []))
    const builder = new Function(params, fields.join("\n")) as (...values: Array<unknown>) => object
    // a plain object, like a literal's, without a literal's allocation site (see the module's notes on pretenuring)
    builder.prototype = Object.prototype
    builders[mask] = builder
    builderCount++
    return builder
  }
  const factory = new Function(
    "p",
    "FAIL",
    "hasOwn",
    "expected",
    "builders",
    "builderFor",
    `return (input) => {\n${lines.join("\n")}\n}`
  )
  return factory(
    parsers,
    FAIL,
    Object.prototype.hasOwnProperty,
    new Set(signatures.map((ps) => ps.name)),
    builders,
    builderFor
  ) as Fast
}

const compileRecord = (ast: AST.TypeLiteral, mode: Mode): Fast => {
  const names = ast.propertySignatures.map((ps) => ps.name as string)
  const optional = ast.propertySignatures.map((ps) => ps.isOptional)
  const parsers = ast.propertySignatures.map((ps) => compile(ps.type, mode))
  const expected = new Set(names)
  const indexes = ast.indexSignatures.map((is) => [compile(is.parameter, mode), compile(is.type, mode)] as const)
  const count = names.length
  const { exact, excessError } = mode
  const hasOwn = Object.prototype.hasOwnProperty
  return (input) => {
    if (!isRecord(input)) return FAIL
    if (excessError) {
      for (const key of Reflect.ownKeys(input)) {
        if (typeof key !== "string") return FAIL
        if (!expected.has(key) && !indexes.some(([parameter]) => parameter(key) !== FAIL)) return FAIL
      }
    }
    const output: Record<string, unknown> = {}
    for (let i = 0; i < count; i++) {
      const name = names[i]!
      if (!hasOwn.call(input, name) && (optional[i] || exact)) {
        if (optional[i]) continue
        return FAIL
      }
      const value = parsers[i]!(input[name])
      if (value === FAIL) return FAIL
      output[name] = value
    }
    for (const [parameter, type] of indexes) {
      for (const key of Object.keys(input)) {
        if (parameter(key) === FAIL) continue
        const value = type(input[key])
        if (value === FAIL) return FAIL
        if (!expected.has(key)) output[key] = value
      }
    }
    return output
  }
}

const compileTuple = (ast: AST.TupleType, mode: Mode): Fast | undefined => {
  if (ast.elements.some((element) => element.isOptional) || ast.rest.length > 1) return undefined
  const elements = ast.elements.map((element) => compile(element.type, mode))
  const count = elements.length
  if (ast.rest.length === 0) {
    return (input) => {
      if (!Array.isArray(input) || input.length !== count) return FAIL
      const output = new Array<unknown>(count)
      for (let i = 0; i < count; i++) {
        const value = elements[i]!(input[i])
        if (value === FAIL) return FAIL
        output[i] = value
      }
      return output
    }
  }
  const rest = compile(ast.rest[0]!.type, mode)
  return (input) => {
    if (!Array.isArray(input) || input.length < count) return FAIL
    const output = new Array<unknown>(input.length)
    for (let i = 0; i < input.length; i++) {
      const value = (i < count ? elements[i]! : rest)(input[i])
      if (value === FAIL) return FAIL
      output[i] = value
    }
    return output
  }
}

/** The required properties whose encoded side is a literal: what the regular decoder dispatches on. */
const literalKeys = (ast: AST.AST): ReadonlyArray<string | number | symbol> => {
  switch (ast._tag) {
    case "TypeLiteral":
      return ast.propertySignatures
        .filter((ps) => !ps.isOptional && AST.isLiteral(AST.encodedAST(ps.type)))
        .map((ps) => ps.name)
    case "TupleType":
      return ast.elements.flatMap((element, i) =>
        !element.isOptional && AST.isLiteral(AST.encodedAST(element.type)) ? [i] : []
      )
    case "Refinement":
      return literalKeys(ast.from)
    case "Transformation":
      return literalKeys(ast.from)
    case "Declaration": {
      const surrogate = AST.getSurrogateAnnotation(ast)
      return Option.isSome(surrogate) ? literalKeys(surrogate.value) : []
    }
    case "Suspend":
      return literalKeys(ast.f())
    default:
      return []
  }
}

/** The literal a member requires under `key` (on its encoded side). */
const literalAt = (ast: AST.AST, key: PropertyKey): AST.Literal | undefined => {
  switch (ast._tag) {
    case "TypeLiteral": {
      const ps = ast.propertySignatures.find((ps) => ps.name === key && !ps.isOptional)
      const encoded = ps === undefined ? undefined : AST.encodedAST(ps.type)
      return encoded !== undefined && AST.isLiteral(encoded) ? encoded : undefined
    }
    case "TupleType": {
      const element = typeof key === "number" ? ast.elements[key] : undefined
      const encoded = element === undefined || element.isOptional ? undefined : AST.encodedAST(element.type)
      return encoded !== undefined && AST.isLiteral(encoded) ? encoded : undefined
    }
    case "Refinement":
    case "Transformation":
      return literalAt(ast.from, key)
    case "Declaration": {
      const surrogate = AST.getSurrogateAnnotation(ast)
      return Option.isSome(surrogate) ? literalAt(surrogate.value, key) : undefined
    }
    case "Suspend":
      return literalAt(ast.f(), key)
    default:
      return undefined
  }
}

/**
 * The regular decoder tries members that dispatch on a literal property first, then the others,
 * and returns the first success. With at most one literal key per member, all on the same key,
 * that is: keyed members in order, then the rest in order. A keyed member whose literal is not the
 * input's own value under the key cannot succeed (the regular decoder does not even try it), so the
 * keyed members are picked by that value up front.
 */
const compileUnion = (ast: AST.Union, mode: Mode): Fast | undefined => {
  const keys = ast.types.map(literalKeys)
  const names = new Set(keys.flat())
  if (names.size > 1 || keys.some((k) => k.length > 1)) return undefined
  const rest = ast.types.filter((_, i) => keys[i]!.length === 0).map((member) => compile(member, mode))
  const tryAll = (members: ReadonlyArray<Fast>): Fast =>
    members.length === 1
      ? members[0]!
      : (input) => {
          for (const member of members) {
            const value = member(input)
            if (value !== FAIL) return value
          }
          return FAIL
        }
  const otherwise = tryAll(rest)
  if (names.size === 0) return otherwise
  const key = [...names][0]!
  const buckets = new Map<unknown, Array<AST.AST>>()
  ast.types.forEach((member, i) => {
    if (keys[i]!.length === 0) return
    const literal = literalAt(member, key)
    if (literal === undefined) return
    const bucket = buckets.get(literal.literal)
    if (bucket === undefined) buckets.set(literal.literal, [member])
    else bucket.push(member)
  })
  if ([...buckets.values()].reduce((n, bucket) => n + bucket.length, 0) !== ast.types.length - rest.length) {
    return undefined
  }
  const dispatch = new Map<unknown, Fast>()
  for (const [literal, members] of buckets) {
    dispatch.set(literal, tryAll([...members.map((member) => compile(member, mode)), ...rest]))
  }
  const hasOwn = Object.prototype.hasOwnProperty
  return (input) => {
    if (typeof input === "object" && input !== null && hasOwn.call(input, key)) {
      const keyed = dispatch.get((input as Record<PropertyKey, unknown>)[key])
      if (keyed !== undefined) return keyed(input)
    }
    return rest.length === 0 ? FAIL : otherwise(input)
  }
}

let codeGeneration: boolean | undefined

/**
 * Whether decoders take the compiled fast path in this runtime: `false` where code generation from strings is not
 * allowed (a Content-Security-Policy without `'unsafe-eval'`, Node's `--disallow-code-generation-from-strings`), and
 * every decoder of this module is then the regular `Schema` decoder. Found out once, on first use.
 *
 * @since 0.1.0
 * @category decoding
 */
export const compiles = (): boolean => {
  if (codeGeneration === undefined) {
    try {
      codeGeneration = new Function("return true")() === true
    } catch {
      codeGeneration = false
    }
  }
  return codeGeneration
}

/**
 * Like `Schema.decodeUnknownEither`, on the compiled fast path (where {@link compiles}).
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnknownEither = <A, I>(
  schema: Schema.Schema<A, I, never>,
  options?: AST.ParseOptions
): ((input: unknown) => Either.Either<A, ParseResult.ParseError>) => {
  const slow = Schema.decodeUnknownEither(schema, options)
  const mode = modeFor(options)
  if (mode === undefined || !compiles()) return slow
  const fast = compile(schema.ast, mode) as (u: unknown) => A | Fail
  return (input) => {
    const value = fast(input)
    return value === FAIL ? slow(input) : Either.right(value)
  }
}

/**
 * Like `Schema.decodeUnknown`, on the compiled fast path.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnknown = <A, I>(
  schema: Schema.Schema<A, I, never>,
  options?: AST.ParseOptions
): ((input: unknown) => Effect.Effect<A, ParseResult.ParseError>) => {
  const decode = decodeUnknownEither(schema, options)
  return (input) => Effect.suspend(() => decode(input))
}

/**
 * Like `Schema.decodeUnknownSync`, on the compiled fast path.
 *
 * @since 0.1.0
 * @category decoding
 */
export const decodeUnknownSync = <A, I>(
  schema: Schema.Schema<A, I, never>,
  options?: AST.ParseOptions
): ((input: unknown) => A) => {
  const decode = decodeUnknownEither(schema, options)
  return (input) => Either.getOrThrowWith(decode(input), (error) => error)
}
