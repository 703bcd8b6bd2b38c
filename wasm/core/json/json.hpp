// Untrusted JSON in, JSON out, under -fno-exceptions -DJSON_NOEXCEPTION.
//
// Contract:
// 1. `parse` never aborts: nesting deeper than `max_depth` is refused before nlohmann sees the
//    text, and nlohmann is called in its non-throwing mode (`parse(…, nullptr, false)`), which
//    refuses invalid UTF-8 inside strings.
// 2. `dump` never aborts: invalid UTF-8 in a string is replaced (U+FFFD), since the plain dump()
//    would throw (= abort here).
// 3. Readers (`get_string`, `get_object`…) return nullptr on a missing key or a wrong type; the
//    core never uses .at(), get<T>() or value() on untrusted data.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "app/limits.hpp"

namespace json {

using Json = nlohmann::json;


// number_out_of_range: a number beyond double's range (1e400): RFC 8259 §6 lets a parser refuse it,
// and nlohmann does.
enum class ParseError { syntax, too_deep, number_out_of_range };

struct ParseResult {
  std::optional<Json> value;
  ParseError error = ParseError::syntax;
};

// JSON text (RFC 8259) -> value, or why not.
ParseResult parse(std::string_view text, std::size_t max_depth = app::max_json_depth);

std::string dump(const Json& value);

// The text JavaScript's String(number) gives: integers without a fractional part ("4", not "4.0"),
// everything else in the shortest round-trip form.
std::string number_text(double d);

const Json* find(const Json& object, std::string_view key);
// The integer at `key` when JavaScript holds it exactly (|v| <= 2^53 - 1, Number.MAX_SAFE_INTEGER),
// as every timestamp this server or the TypeScript library writes; nullopt otherwise. Differences
// and sums of such values and a time never overflow int64 (a stored -2^63 did: found by fuzzing).
std::optional<std::int64_t> get_safe_integer(const Json& object, std::string_view key);
const std::string* get_string(const Json& object, std::string_view key);
const Json* get_object(const Json& object, std::string_view key);

}  // namespace json
