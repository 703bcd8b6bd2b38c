#include "app/config.hpp"

#include <charconv>

#include "http/url.hpp"

namespace app {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '/')) s.remove_suffix(1);
  return s;
}

}  // namespace

Config config_from_env(const EnvEntries& env) {
  Config c;
  for (const auto& [name, value] : env) {
    if (name == "PUBLIC_URL") {
      if (auto parts = http::split_url(trim(value))) c.public_origin = parts->origin();
    } else if (name == "ALLOWED_ORIGINS") {
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto item = trim(rest.substr(0, comma));
        if (!item.empty()) c.allowed_origins.push_back(http::to_lower_ascii(item));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (name == "COOKIE_ENCRYPTION_KEY") {
      c.cookie_encryption_key = value;
    } else if (name == "LOCAL_DEVELOPMENT") {
      c.local_development = value == "true" || value == "1";
    } else if (name == "SSE_KEEPALIVE_MS") {
      std::uint32_t ms = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc() && end == value.data() + value.size() && ms >= 100 && ms <= 60000)
        c.sse_keepalive_ms = ms;
    }
  }
  return c;
}

}  // namespace app
