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
      std::int64_t ttl = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ttl);
      if (ec == std::errc() && end == value.data() + value.size() && ttl >= 1 && ttl <= 366 * 24 * 3600)
        c.access_token_ttl = ttl;
    } else if (name == "REQUEST_LOG") {
      const auto v = trim(value);
      if (v == "all") c.request_log = Config::RequestLog::all;
      if (v == "errors") c.request_log = Config::RequestLog::errors;
      if (v == "off") c.request_log = Config::RequestLog::off;
    } else if (name == "AUTH_CACHE_SECONDS") {
      std::int64_t seconds = -1;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
      if (ec == std::errc() && end == value.data() + value.size() && seconds >= 0 && seconds <= 60)
        c.auth_cache_seconds = seconds;
    } else if (name == "SSE_KEEPALIVE_MS") {
      std::uint32_t ms = 0;
      const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), ms);
      if (ec == std::errc() && end == value.data() + value.size() && ms >= 100 && ms <= 60000)
        c.sse_keepalive_ms = ms;
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
