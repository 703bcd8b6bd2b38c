#include "app/config.hpp"

#include <charconv>

#include "app/limits.hpp"
#include "http/url.hpp"

namespace app {

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '/')) s.remove_suffix(1);
  return s;
}

// A whole number within `r`; anything else is r.fallback (the safe default, never a refusal).
std::int64_t in_range(std::string_view value, const Range& r) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < r.min || n > r.max) return r.fallback;
  return n;
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
    } else if (name == "ALLOWED_USERNAMES") {
      std::string_view rest = value;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto item = trim(rest.substr(0, comma));
        if (!item.empty()) c.allowed_usernames.push_back(http::to_lower_ascii(item));
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (name == "COOKIE_ENCRYPTION_KEY") {
      c.cookie_encryption_key = value;
    } else if (name == "LOCAL_DEVELOPMENT") {
      c.local_development = value == "true" || value == "1";
    } else if (name == "GITHUB_CLIENT_ID") {
      c.github_client_id = value;
    } else if (name == "GITHUB_CLIENT_SECRET") {
      c.github_client_secret = value;
    } else if (name == "GITHUB_OAUTH_URL" || name == "GITHUB_API_URL") {
      const auto trimmed = trim(value);
      if (http::split_url(trimmed)) (name == "GITHUB_OAUTH_URL" ? c.github_oauth_url : c.github_api_url) = std::string(trimmed);
    } else if (name == "ACCESS_TOKEN_TTL") {
      c.access_token_ttl = in_range(value, access_token_ttl_range);
    } else if (name == "REQUEST_LOG") {
      const auto v = trim(value);
      if (v == "all") c.request_log = Config::RequestLog::all;
      if (v == "errors") c.request_log = Config::RequestLog::errors;
      if (v == "off") c.request_log = Config::RequestLog::off;
    } else if (name == "AUTH_CACHE_SECONDS") {
      c.auth_cache_seconds = in_range(value, auth_cache_seconds_range);
    } else if (name == "SSE_KEEPALIVE_MS") {
      c.sse_keepalive_ms = static_cast<std::uint32_t>(in_range(value, sse_keepalive_ms_range));
    } else if (name == "SSE_MAX_STREAMS_PER_USER") {
      c.sse_max_streams_per_user = static_cast<std::uint32_t>(in_range(value, sse_streams_per_user_range));
    } else if (name == "STORAGE_TIMEOUT_MS") {
      c.storage_timeout_ms = static_cast<std::uint32_t>(in_range(value, storage_timeout_ms_range));
    }
  }
  return c;
}

std::vector<std::string> Config::missing_sign_in_secrets() const {
  std::vector<std::string> missing;
  if (github_client_id.empty()) missing.push_back("GITHUB_CLIENT_ID");
  if (github_client_secret.empty()) missing.push_back("GITHUB_CLIENT_SECRET");
  if (cookie_encryption_key.empty()) missing.push_back("COOKIE_ENCRYPTION_KEY");
  return missing;
}

}  // namespace app
