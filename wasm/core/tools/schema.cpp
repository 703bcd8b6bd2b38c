#include "tools/schema.hpp"

#include <cmath>

namespace tools {

using json::Json;

namespace {

std::string at(const std::string& path) { return path.empty() ? std::string("arguments") : path; }

const char* type_name(const Json& v) {
  switch (v.type()) {
    case Json::value_t::null: return "null";
    case Json::value_t::boolean: return "a boolean";
    case Json::value_t::string: return "a string";
    case Json::value_t::array: return "an array";
    case Json::value_t::object: return "an object";
    default: return "a number";
  }
}

bool has_type(const Json& v, const std::string& type) {
  if (type == "object") return v.is_object();
  if (type == "string") return v.is_string();
  if (type == "boolean") return v.is_boolean();
  if (type == "array") return v.is_array();
  if (type == "number") return v.is_number() && std::isfinite(v.get<double>());
  if (type == "integer") {
    if (v.is_number_integer()) return true;
    if (!v.is_number_float()) return false;
    const double d = v.get<double>();
    return std::isfinite(d) && std::floor(d) == d;
  }
  return false;
}

// JSON Schema counts string length in characters (code points), not bytes.
std::size_t code_points(const std::string& s) {
  std::size_t n = 0;
  for (const char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

std::optional<std::size_t> count_keyword(const Json& schema, std::string_view name) {
  const Json* v = json::find(schema, name);
  if (!v || !v->is_number_integer() || v->get<std::int64_t>() < 0) return std::nullopt;
  return static_cast<std::size_t>(v->get<std::int64_t>());
}

std::optional<std::string> check(const Json& schema, const Json& value, const std::string& path) {
  if (const std::string* type = json::get_string(schema, "type")) {
    if (!has_type(value, *type)) {
      const char* article = (*type == "object" || *type == "array" || *type == "integer") ? "an " : "a ";
      return at(path) + ": expected " + article + *type + ", got " + type_name(value);
    }
  }
  if (value.is_number()) {
    const double d = value.get<double>();
    if (const Json* min = json::find(schema, "minimum"); min && min->is_number() && d < min->get<double>())
      return at(path) + ": must be at least " + json::number_text(min->get<double>());
    if (const Json* max = json::find(schema, "maximum"); max && max->is_number() && d > max->get<double>())
      return at(path) + ": must be at most " + json::number_text(max->get<double>());
  }
  if (value.is_string()) {
    const std::size_t length = code_points(value.get_ref<const std::string&>());
    if (auto min = count_keyword(schema, "minLength"); min && length < *min)
      return at(path) + ": must not be shorter than " + std::to_string(*min) + " characters";
    if (auto max = count_keyword(schema, "maxLength"); max && length > *max)
      return at(path) + ": must not be longer than " + std::to_string(*max) + " characters";
  }
  if (value.is_object()) {
    const Json* properties = json::get_object(schema, "properties");
    if (const Json* required = json::find(schema, "required"); required && required->is_array()) {
      for (const Json& name : *required) {
        if (name.is_string() && !value.contains(name.get_ref<const std::string&>()))
          return (path.empty() ? "" : path + ".") + name.get_ref<const std::string&>() + ": required";
      }
    }
    const Json* additional = json::find(schema, "additionalProperties");
    const bool closed = additional && additional->is_boolean() && !additional->get<bool>();
    for (auto it = value.begin(); it != value.end(); ++it) {
      const std::string child = (path.empty() ? "" : path + ".") + it.key();
      const Json* sub = properties ? json::find(*properties, it.key()) : nullptr;
      if (!sub) {
        if (closed) return child + ": unexpected property";
        continue;
      }
      if (auto e = check(*sub, it.value(), child)) return e;
    }
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> check_schema(const Json& schema, const Json& value) {
  return check(schema, value, "");
}

}  // namespace tools
