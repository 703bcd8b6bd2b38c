#include "http/cookies.hpp"

#include <cassert>

namespace http {

namespace {

std::string_view trim_whitespace(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// RFC 7230 §3.2.6 tchar, the characters of a cookie-name (RFC 6265 §4.1.1).
[[maybe_unused]] bool is_token(std::string_view s) {
  if (s.empty()) return false;
  for (const char c : s) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace

bool is_cookie_value(std::string_view value) {
  // %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E: no space, '"', ',', ';', '\' or control.
  for (const char ch : value) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x21 || c > 0x7E || c == '"' || c == ',' || c == ';' || c == '\\') return false;
  }
  return true;
}

std::optional<std::string> cookie_value(const std::string* cookie_header, std::string_view name) {
  if (cookie_header == nullptr || name.empty()) return std::nullopt;
  std::string_view rest = *cookie_header;
  while (!rest.empty()) {
    const auto semi = rest.find(';');
    const auto pair = rest.substr(0, semi);
    rest = semi == std::string_view::npos ? std::string_view() : rest.substr(semi + 1);
    const auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim_whitespace(pair.substr(0, eq)) != name) continue;
    auto value = trim_whitespace(pair.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return std::string(value);
  }
  return std::nullopt;
}

std::string host_cookie(std::string_view name, std::string_view value, const CookieOptions& options) {
  assert(name.substr(0, 7) == "__Host-" && is_token(name));
  assert(is_cookie_value(value));
  assert(options.max_age_seconds >= -1);
  assert(options.same_site == "Strict" || options.same_site == "Lax" || options.same_site == "None");
  std::string out;
  out.reserve(name.size() + value.size() + 64);
  out.append(name).append("=").append(value);
  if (options.max_age_seconds >= 0) out.append("; Max-Age=").append(std::to_string(options.max_age_seconds));
  out.append("; Path=/; Secure");
  if (options.http_only) out.append("; HttpOnly");
  out.append("; SameSite=").append(options.same_site);
  return out;
}

}  // namespace http
