#include "json/json.hpp"

#include <cmath>
#include <cstdlib>

namespace json {

namespace {

// Largest nesting of arrays and objects, skipping string contents. Stops early past `limit`.
bool depth_within(std::string_view text, std::size_t limit) {
  std::size_t depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (const char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > limit) return false;
    } else if (c == ']' || c == '}') {
      if (depth > 0) --depth;
    }
  }
  return true;
}

// nlohmann's own DOM builder, remembering why a parse failed. One pass through one parser
// instantiation: Json::parse(…) would also compile in the callback builder it never uses here, and
// a second SAX pass to learn the error would be a second instantiation of the lexer and parser.
struct DomBuilder : nlohmann::detail::json_sax_dom_parser<Json> {
  using json_sax_dom_parser::json_sax_dom_parser;
  int error_id = 0;
  template <class Exception>
  bool parse_error(std::size_t position, const std::string& last_token, const Exception& ex) {
    if (error_id == 0) error_id = ex.id;
    return json_sax_dom_parser::parse_error(position, last_token, ex);  // marks it errored
  }
};

}  // namespace

ParseResult parse(std::string_view text, std::size_t max_depth) {
  ParseResult result;
  if (!depth_within(text, max_depth)) {
    result.error = ParseError::too_deep;
    return result;
  }
  Json value;
  DomBuilder builder(value, /*allow_exceptions=*/false);
  // strict: nothing but whitespace may follow the value.
  Json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json, /*strict=*/true);
  if (builder.is_errored()) {
    if (builder.error_id == 406) result.error = ParseError::number_out_of_range;  // out_of_range.406
    return result;
  }
  result.value = std::move(value);
  return result;
}

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string number_text(double d) {
  // ECMAScript Number::toString(10), from the shortest round-trip digits nlohmann prints.
  if (d == 0) return "0";  // also -0
  if (!std::isfinite(d)) return std::isnan(d) ? "NaN" : (d > 0 ? "Infinity" : "-Infinity");
  const std::string text = dump(Json(std::fabs(d)));  // "1.8446744073709552e+19", "0.5", "1e-07"
  const auto e = text.find_first_of("eE");
  const std::string mantissa = text.substr(0, e);
  long exponent = e == std::string::npos ? 0 : std::strtol(text.c_str() + e + 1, nullptr, 10);
  const auto dot = mantissa.find('.');
  std::string digits = dot == std::string::npos ? mantissa : mantissa.substr(0, dot) + mantissa.substr(dot + 1);
  long n = static_cast<long>(dot == std::string::npos ? mantissa.size() : dot) + exponent;  // point position
  std::size_t lead = 0;
  while (lead < digits.size() && digits[lead] == '0') ++lead;
  digits.erase(0, lead);
  n -= static_cast<long>(lead);
  while (!digits.empty() && digits.back() == '0') digits.pop_back();
  const long k = static_cast<long>(digits.size());

  std::string out = d < 0 ? "-" : "";
  if (k <= n && n <= 21) {
    out += digits + std::string(static_cast<std::size_t>(n - k), '0');
  } else if (0 < n && n <= 21) {
    out += digits.substr(0, static_cast<std::size_t>(n)) + "." + digits.substr(static_cast<std::size_t>(n));
  } else if (-6 < n && n <= 0) {
    out += "0." + std::string(static_cast<std::size_t>(-n), '0') + digits;
  } else {
    out += digits.substr(0, 1);
    if (k > 1) out += "." + digits.substr(1);
    out += (n - 1 >= 0 ? "e+" : "e-") + std::to_string(std::labs(n - 1));
  }
  return out;
}

const Json* find(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
}

std::optional<std::int64_t> get_safe_integer(const Json& object, std::string_view key) {
  constexpr std::int64_t max_safe = (std::int64_t{1} << 53) - 1;
  const Json* v = find(object, key);
  if (!v || !v->is_number_integer()) return std::nullopt;
  if (v->is_number_unsigned()) {
    const auto u = v->get<std::uint64_t>();
    if (u > static_cast<std::uint64_t>(max_safe)) return std::nullopt;
    return static_cast<std::int64_t>(u);
  }
  const auto i = v->get<std::int64_t>();
  if (i > max_safe || i < -max_safe) return std::nullopt;
  return i;
}

const std::string* get_string(const Json& object, std::string_view key) {
  const Json* v = find(object, key);
  return v && v->is_string() ? v->get_ptr<const std::string*>() : nullptr;
}

const Json* get_object(const Json& object, std::string_view key) {
  const Json* v = find(object, key);
  return v && v->is_object() ? v : nullptr;
}

}  // namespace json
