import { assert, describe, it } from "@effect/vitest"
import { PhpQuery } from "@im-recent/emulator"
import { Either, FastCheck } from "effect"

const parse = (input: string | Uint8Array, limits?: PhpQuery.Limits) => {
  const result = PhpQuery.parse(input, limits)
  if (Either.isLeft(result)) assert.fail(`${result.left.reason}: ${result.left.message}`)
  return result.right
}

const reason = (input: string | Uint8Array, limits?: PhpQuery.Limits) => {
  const result = PhpQuery.parse(input, limits)
  return Either.isLeft(result) ? result.left.reason : "ok"
}

describe("PhpQuery.parse (PHP's parse_str)", () => {
  it("flat pairs, + and %XX, a name without = and empty pairs", () => {
    assert.deepStrictEqual(parse("a=1&b=hello+world&c=%D0%9F%D1%80%D0%B8%D0%B2%D0%B5%D1%82&d&&e="), {
      a: "1",
      b: "hello world",
      c: "Привет",
      d: "",
      e: ""
    })
  })

  it("brackets: records, appended lists, nesting, encoded brackets", () => {
    assert.deepStrictEqual(parse("FILTER[ACTIVE]=true&select[]=ID&select[]=NAME&a[b][c][]=1&x%5By%5D=2"), {
      FILTER: { ACTIVE: "true" },
      select: ["ID", "NAME"],
      a: { b: { c: ["1"] } },
      x: { y: "2" }
    })
  })

  it("canonical integer keys are integer keys; a list only when they are 0..n-1 in order", () => {
    assert.deepStrictEqual(parse("a[0]=x&a[1]=y"), { a: ["x", "y"] })
    assert.deepStrictEqual(parse("a[1]=x&a[0]=y"), { a: { 1: "x", 0: "y" } })
    assert.deepStrictEqual(parse("a[5]=x&a[]=y"), { a: { 5: "x", 6: "y" } })
    assert.deepStrictEqual(parse("a[05]=x"), { a: { "05": "x" } })
    assert.deepStrictEqual(parse("a[-1]=x&a[]=y"), { a: { "-1": "x", 0: "y" } })
  })

  it("spaces and dots in the top-level name become _, leading spaces are dropped, inner names are kept", () => {
    assert.deepStrictEqual(parse("a.b=1&c d=2&+e=3&f[g.h i]=4"), { a_b: "1", c_d: "2", e: "3", f: { "g.h i": "4" } })
  })

  it("an unterminated [ stays in the name as _; text after ] is ignored", () => {
    assert.deepStrictEqual(parse("a[b=1"), { a_b: "1" })
    assert.deepStrictEqual(parse("a[b.c[d=1"), { a_b_c_d: "1" })
    assert.deepStrictEqual(parse("a[b]x=1"), { a: { b: "1" } })
    assert.deepStrictEqual(parse("a[b][c=1"), { a: { b: "1" } })
  })

  it("later pairs win; a scalar is replaced by an array when brackets follow", () => {
    assert.deepStrictEqual(parse("a=1&a=2"), { a: "2" })
    assert.deepStrictEqual(parse("a=1&a[b]=2"), { a: { b: "2" } })
    assert.deepStrictEqual(parse("a[b]=2&a=1"), { a: "1" })
  })

  it("names without a base are dropped", () => {
    assert.deepStrictEqual(parse("=1&[a]=2&%20=3"), {})
  })

  it("a malformed % stays as it is", () => {
    assert.deepStrictEqual(parse("a=100%&b=%zz&c=%4"), { a: "100%", b: "%zz", c: "%4" })
  })

  it("batch commands decode once, keeping the inner query encoded", () => {
    assert.deepStrictEqual(parse("cmd[get_user]=user.get%3FID%3D1%26FILTER%255BX%255D%3D2&halt=0"), {
      cmd: { get_user: "user.get?ID=1&FILTER%5BX%5D=2" },
      halt: "0"
    })
  })

  it("__proto__ is an ordinary name", () => {
    const params = parse("__proto__[polluted]=1&a[__proto__]=2")
    assert.deepStrictEqual(Object.keys(params), ["__proto__", "a"])
    assert.deepStrictEqual(Object.keys(params.a as object), ["__proto__"])
    assert.strictEqual(({} as Record<string, unknown>).polluted, undefined)
    assert.strictEqual(Object.getPrototypeOf(params), Object.prototype)
  })

  it("bytes: raw UTF-8 and latin-1 request-line strings decode alike", () => {
    assert.deepStrictEqual(parse(new TextEncoder().encode("a=Привет")), { a: "Привет" })
    const latin1 = String.fromCharCode(...new TextEncoder().encode("a=Привет"))
    assert.deepStrictEqual(parse(latin1), { a: "Привет" })
  })

  it("refuses bytes that are not UTF-8", () => {
    assert.strictEqual(reason("a=%FF%FE"), "NotUtf8")
    assert.strictEqual(reason("%C3=1"), "NotUtf8")
    assert.strictEqual(reason(new Uint8Array([97, 61, 0xc3, 0x28])), "NotUtf8")
  })

  it("refuses keys deeper than maxDepth (PHP's max_input_nesting_level), and accepts exactly maxDepth", () => {
    const limits = { ...PhpQuery.defaultLimits, maxDepth: 3 }
    assert.strictEqual(reason("a[1][2][3]=x", limits), "ok")
    assert.strictEqual(reason("a[1][2][3][4]=x", limits), "TooDeep")
    assert.strictEqual(reason(`a${"[x]".repeat(65)}=1`), "TooDeep")
    assert.strictEqual(reason(`a${"[x]".repeat(64)}=1`), "ok")
  })

  it("refuses too many pairs and over-long names", () => {
    const limits = { ...PhpQuery.defaultLimits, maxParams: 3, maxKeyLength: 8 }
    assert.strictEqual(reason("a=1&b=2&c=3", limits), "ok")
    assert.strictEqual(reason("a=1&b=2&c=3&d=4", limits), "TooMany")
    assert.strictEqual(reason("abcdefghi=1", limits), "KeyTooLong")
  })

  it("fromEntries applies the same bracket rules to decoded names", () => {
    assert.deepStrictEqual(
      Either.getOrThrow(
        PhpQuery.fromEntries([
          ["a[]", "1"],
          ["a[]", "2"],
          ["b[c]", "3"]
        ])
      ),
      { a: ["1", "2"], b: { c: "3" } }
    )
  })

  it("decodes what http_build_query encodes (property)", () => {
    const key = FastCheck.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,8}$/)
    const leaf = FastCheck.string({ unit: "grapheme", maxLength: 12 })
    const tree = FastCheck.letrec<{ node: unknown }>((tie) => ({
      node: FastCheck.oneof(
        { depthSize: "small", withCrossShrink: true },
        leaf,
        FastCheck.dictionary(key, tie("node"), { minKeys: 1, maxKeys: 4 }),
        FastCheck.array(tie("node"), { minLength: 1, maxLength: 4 })
      )
    })).node
    const encode = (value: unknown, name: string): Array<string> =>
      typeof value === "string"
        ? [`${encodeURIComponent(name)}=${encodeURIComponent(value)}`]
        : Array.isArray(value)
          ? value.flatMap((item, index) => encode(item, `${name}[${index}]`))
          : Object.entries(value as Record<string, unknown>).flatMap(([k, item]) => encode(item, `${name}[${k}]`))
    FastCheck.assert(
      FastCheck.property(FastCheck.dictionary(key, tree, { minKeys: 1, maxKeys: 5 }), (params) => {
        const query = Object.entries(params)
          .flatMap(([name, value]) => encode(value, name))
          .join("&")
        assert.deepStrictEqual(parse(query), params)
      })
    )
  })
})
