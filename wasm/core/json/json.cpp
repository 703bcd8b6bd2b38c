#include "json/json.hpp"

#include <cmath>
#include <cstdio>

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

}  // namespace

ParseResult parse(std::string_view text, std::size_t max_depth) {
  ParseResult result;
  if (!depth_within(text, max_depth)) {
    result.error = ParseError::too_deep;
    return result;
  }
  Json value = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (value.is_discarded()) return result;
  result.value = std::move(value);
  return result;
}

std::string dump(const Json& value) {
  return value.dump(-1, ' ', false, Json::error_handler_t::replace);
}

std::string number_text(double d) {
  if (d == 0) return "0";  // also -0, as String(-0) === "0"
  if (std::fabs(d) < 1e21 && std::floor(d) == d) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  return dump(Json(d));
}

const Json* find(const Json& object, std::string_view key) {
  if (!object.is_object()) return nullptr;
  const auto it = object.find(std::string(key));
  return it == object.end() ? nullptr : &*it;
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
