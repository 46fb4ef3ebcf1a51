/// SQL text plus its binds. String interpolation turns every `\(value)` into a
/// `$n` placeholder, so values can never become SQL; only
/// `\(unescaped: ...)` splices text, and it is meant for trusted identifiers.
public struct PostgresQuery: Sendable, Hashable, ExpressibleByStringInterpolation {
    public var sql: String
    public var binds: [PostgresBind]

    /// For SQL assembled elsewhere whose placeholders already match `binds`.
    public init(unsafeSQL: String, binds: [PostgresBind] = []) {
        self.sql = unsafeSQL
        self.binds = binds
    }

    public init(stringLiteral value: String) {
        self.sql = value
        self.binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        self.sql = stringInterpolation.sql
        self.binds = stringInterpolation.binds
    }

    /// Appends another query, shifting its `$n` placeholders past ours so
    /// fragments built independently (e.g. optional WHERE clauses) compose.
    public mutating func append(_ other: PostgresQuery) {
        sql += PostgresQuery.renumber(other.sql, offset: binds.count)
        binds += other.binds
    }

    public static func + (lhs: PostgresQuery, rhs: PostgresQuery) -> PostgresQuery {
        var result = lhs
        result.append(rhs)
        return result
    }

    public static func += (lhs: inout PostgresQuery, rhs: PostgresQuery) {
        lhs.append(rhs)
    }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value) {
            binds.append(value.postgresBind)
            sql += "$\(binds.count)"
        }

        /// NULL when nil, typed as `Value` so the server still knows the parameter type.
        public mutating func appendInterpolation<Value: PostgresEncodable>(_ value: Value?) {
            binds.append(value.postgresBind)
            sql += "$\(binds.count)"
        }

        /// Trusted SQL only (identifiers from code, never from requests).
        public mutating func appendInterpolation(unescaped fragment: String) {
            sql += fragment
        }

        /// Splices a sub-query, renumbering its placeholders.
        public mutating func appendInterpolation(fragment: PostgresQuery) {
            sql += PostgresQuery.renumber(fragment.sql, offset: binds.count)
            binds += fragment.binds
        }
    }

    /// Shifts `$n` placeholders by `offset`, leaving quoted strings and quoted
    /// identifiers alone (dollar-quoted bodies are not recognised; keep
    /// placeholders-lookalikes out of them when appending).
    static func renumber(_ sql: String, offset: Int) -> String {
        guard offset > 0, sql.contains("$") else { return sql }
        var out = ""
        out.reserveCapacity(sql.utf8.count + 8)
        let chars = Array(sql.unicodeScalars)
        var i = 0
        var previous: Unicode.Scalar? = nil
        while i < chars.count {
            let c = chars[i]
            if c == "'" || c == "\"" {
                // Copy the quoted run verbatim; doubled quotes just re-open it.
                out.unicodeScalars.append(c)
                i += 1
                while i < chars.count {
                    out.unicodeScalars.append(chars[i])
                    if chars[i] == c { break }
                    i += 1
                }
                previous = c
                i += 1
                continue
            }
            if c == "$", !(previous.map(isIdentifierScalar) ?? false), i + 1 < chars.count,
                ("0"..."9").contains(chars[i + 1])
            {
                var j = i + 1
                var number = 0
                while j < chars.count, ("0"..."9").contains(chars[j]) {
                    number = number * 10 + Int(chars[j].value - 48)
                    j += 1
                }
                out += "$\(number + offset)"
                previous = chars[j - 1]
                i = j
                continue
            }
            out.unicodeScalars.append(c)
            previous = c
            i += 1
        }
        return out
    }

    private static func isIdentifierScalar(_ s: Unicode.Scalar) -> Bool {
        s == "_" || s.properties.isAlphabetic || ("0"..."9").contains(s)
    }
}
