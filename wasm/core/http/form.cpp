#include "http/form.hpp"

#include <cstddef>

#include "http/html.hpp"
#include "http/url.hpp"

namespace http {

const std::string* FormFields::get(std::string_view name) const {
  for (const auto& [key, value] : fields)
    if (key == name) return &value;
  return nullptr;
}

bool FormFields::repeated(std::string_view name) const {
  int seen = 0;
  for (const auto& field : fields)
    if (field.first == name && ++seen > 1) return true;
  return false;
}

namespace {

std::optional<std::string> decode_component(std::string_view raw) {
  auto decoded = percent_decode(raw, /*plus_is_space=*/true);
  if (!decoded || !is_valid_utf8(*decoded)) return std::nullopt;
  return decoded;
}

bool is_unreserved(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::optional<FormFields> parse_form(std::string_view body) {
  FormFields form;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto pair = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (pair.empty()) continue;
    const auto eq = pair.find('=');
    auto name = decode_component(pair.substr(0, eq));
    auto value = decode_component(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    if (!name || !value) return std::nullopt;
    form.fields.emplace_back(std::move(*name), std::move(*value));
  }
  return form;
}

std::string form_encode(std::string_view value) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (const char c : value) {
    if (is_unreserved(c)) {
      out.push_back(c);
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(hex[byte >> 4]);
      out.push_back(hex[byte & 0x0F]);
    }
  }
  return out;
}

std::string form_serialize(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out.push_back('&');
    out += form_encode(name);
    out.push_back('=');
    out += form_encode(value);
  }
  return out;
}

}  // namespace http
