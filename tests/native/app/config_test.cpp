#include "app/config.hpp"

#include <catch2/catch.hpp>

#include "app/limits.hpp"

TEST_CASE("configuration is read from the environment's strings", "[app][config]") {
  auto c = app::config_from_env({{"PUBLIC_URL", "https://Mcp.Example.com/"},
                                 {"ALLOWED_ORIGINS", " https://a.example , ,https://B.example/"},
                                 {"COOKIE_ENCRYPTION_KEY", "k"},
                                 {"LOCAL_DEVELOPMENT", "true"},
                                 {"SSE_KEEPALIVE_MS", "500"},
                                 {"UNRELATED", "x"}});
  REQUIRE(c.public_origin == "https://mcp.example.com");
  REQUIRE(c.allowed_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  REQUIRE(c.cookie_encryption_key == "k");
  REQUIRE(c.local_development);
  REQUIRE(c.sse_keepalive_ms == 500);
}

TEST_CASE("SSE_KEEPALIVE_MS outside 100..60000 or not a number keeps the default", "[app][config]") {
  for (const char* bad : {"99", "60001", "abc", "500ms", "", "-5"})
    REQUIRE(app::config_from_env({{"SSE_KEEPALIVE_MS", bad}}).sse_keepalive_ms == 20000);
}

TEST_CASE("missing configuration stays empty and local development stays off", "[app][config]") {
  auto c = app::config_from_env({{"LOCAL_DEVELOPMENT", "yes please"}});
  REQUIRE(c.public_origin.empty());
  REQUIRE(c.allowed_origins.empty());
  REQUIRE(c.cookie_encryption_key.empty());
  REQUIRE_FALSE(c.local_development);
}

TEST_CASE("GitHub settings and ACCESS_TOKEN_TTL", "[app][config]") {
  auto c = app::config_from_env({{"GITHUB_CLIENT_ID", "id"},
                                 {"GITHUB_CLIENT_SECRET", "secret"},
                                 {"GITHUB_OAUTH_URL", "http://127.0.0.1:8790/login/oauth/"},
                                 {"GITHUB_API_URL", "http://127.0.0.1:8790"},
                                 {"ACCESS_TOKEN_TTL", "1"}});
  REQUIRE(c.github_oauth_url == "http://127.0.0.1:8790/login/oauth");
  REQUIRE(c.github_api_url == "http://127.0.0.1:8790");
  REQUIRE(c.access_token_ttl == 1);
  REQUIRE(c.missing_sign_in_secrets() == std::vector<std::string>{"COOKIE_ENCRYPTION_KEY"});

  auto d = app::config_from_env({{"ACCESS_TOKEN_TTL", "0"}, {"GITHUB_OAUTH_URL", "not a url"}});
  REQUIRE(d.access_token_ttl == 3600);
  REQUIRE(d.github_oauth_url == "https://github.com/login/oauth");
  REQUIRE(d.github_api_url == "https://api.github.com");
  REQUIRE(d.missing_sign_in_secrets().size() == 3);
}

TEST_CASE("ALLOWED_USERNAMES is a comma-separated list kept lowercase", "[app][config]") {
  auto c = app::config_from_env({{"ALLOWED_USERNAMES", " OctoCat, ,hubot "}});
  REQUIRE(c.allowed_usernames == std::vector<std::string>{"octocat", "hubot"});
  REQUIRE(app::config_from_env({}).allowed_usernames.empty());
}

// limits.hpp "Configuration ranges": each var takes a whole number within its range; anything else
// (out of range, not a number, a unit) is the safe default, never a refusal to start.
TEST_CASE("numeric vars take whole numbers within their limits.hpp range, else the default", "[app][config][limits]") {
  struct Var {
    const char* name;
    app::Range range;
    std::int64_t (*read)(const app::Config&);
  };
  const Var vars[] = {
      {"ACCESS_TOKEN_TTL", app::access_token_ttl_range, [](const app::Config& c) { return c.access_token_ttl; }},
      {"AUTH_CACHE_SECONDS", app::auth_cache_seconds_range, [](const app::Config& c) { return c.auth_cache_seconds; }},
      {"SSE_KEEPALIVE_MS", app::sse_keepalive_ms_range, [](const app::Config& c) { return std::int64_t(c.sse_keepalive_ms); }},
      {"SSE_MAX_STREAMS_PER_USER", app::sse_streams_per_user_range,
       [](const app::Config& c) { return std::int64_t(c.sse_max_streams_per_user); }},
      {"STORAGE_TIMEOUT_MS", app::storage_timeout_ms_range, [](const app::Config& c) { return std::int64_t(c.storage_timeout_ms); }},
  };
  for (const Var& v : vars) {
    INFO(v.name);
    REQUIRE(v.read(app::config_from_env({})) == v.range.fallback);
    REQUIRE(v.read(app::config_from_env({{v.name, std::to_string(v.range.min)}})) == v.range.min);
    REQUIRE(v.read(app::config_from_env({{v.name, std::to_string(v.range.max)}})) == v.range.max);
    for (const std::string bad : {std::to_string(v.range.min - 1), std::to_string(v.range.max + 1), std::string("abc"),
                                  std::to_string(v.range.min) + "ms", std::string("")})
      REQUIRE(v.read(app::config_from_env({{v.name, bad}})) == v.range.fallback);
  }
}
