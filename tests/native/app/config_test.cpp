#include "app/config.hpp"

#include <catch2/catch.hpp>

TEST_CASE("configuration is read from the environment's strings", "[app][config]") {
  auto c = app::config_from_env({{"PUBLIC_URL", "https://Mcp.Example.com/"},
                                 {"ALLOWED_ORIGINS", " https://a.example , ,https://B.example/"},
                                 {"COOKIE_ENCRYPTION_KEY", "k"},
                                 {"LOCAL_DEVELOPMENT", "true"},
                                 {"UNRELATED", "x"}});
  REQUIRE(c.public_origin == "https://mcp.example.com");
  REQUIRE(c.allowed_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  REQUIRE(c.cookie_encryption_key == "k");
  REQUIRE(c.local_development);
}

TEST_CASE("missing configuration stays empty and local development stays off", "[app][config]") {
  auto c = app::config_from_env({{"LOCAL_DEVELOPMENT", "yes please"}});
  REQUIRE(c.public_origin.empty());
  REQUIRE(c.allowed_origins.empty());
  REQUIRE(c.cookie_encryption_key.empty());
  REQUIRE_FALSE(c.local_development);
}
