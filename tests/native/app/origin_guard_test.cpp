#include "app/origin_guard.hpp"

#include <catch2/catch.hpp>

namespace {

app::GuardResult check(const app::Config& c, const std::string& host, const char* origin = nullptr,
                       const std::string& url = "http://localhost:8788/mcp") {
  http::Request r;
  r.url = url;
  r.headers.push_back({"host", host});
  if (origin) r.headers.push_back({"origin", origin});
  return app::guard_host_and_origin(r, *http::split_url(url), c);
}

}  // namespace

TEST_CASE("local development accepts loopback hosts only", "[app][guard]") {
  app::Config c;
  c.local_development = true;
  for (const char* ok : {"localhost:8788", "127.0.0.1:9", "[::1]:8788", "LOCALHOST", "mcp.localhost:1"})
    REQUIRE_FALSE(check(c, ok).failure);
  for (const char* bad : {"evil.example", "evil.example:8788", "127.0.0.1.evil.example", "localhost.evil", "10.0.0.1"})
    REQUIRE(check(c, bad).failure);
}

TEST_CASE("PUBLIC_URL pins the host and the own origin", "[app][guard]") {
  app::Config c;
  c.public_origin = "https://mcp.example.com";
  c.local_development = true;
  auto ok = check(c, "mcp.example.com");
  REQUIRE_FALSE(ok.failure);
  REQUIRE(ok.own_origin == "https://mcp.example.com");
  REQUIRE(check(c, "localhost:8788").failure);
  REQUIRE(check(c, "mcp.example.com.evil").failure);
}

TEST_CASE("a deployed worker without PUBLIC_URL trusts the routed host", "[app][guard]") {
  app::Config c;
  auto r = check(c, "my-worker.user.workers.dev", nullptr, "https://my-worker.user.workers.dev/mcp");
  REQUIRE_FALSE(r.failure);
  REQUIRE(r.own_origin == "https://my-worker.user.workers.dev");
}

TEST_CASE("a present Origin is allowed only when it is the server's own or listed", "[app][guard]") {
  app::Config c;
  c.local_development = true;
  c.allowed_origins = {"https://app.example"};
  auto none = check(c, "localhost:8788");
  REQUIRE_FALSE(none.failure);
  REQUIRE_FALSE(none.origin);
  REQUIRE(none.origin_allowed);
  REQUIRE(check(c, "localhost:8788", "http://localhost:8788").origin_allowed);
  REQUIRE(check(c, "localhost:8788", "https://app.example").origin_allowed);
  REQUIRE(check(c, "localhost:8788", "HTTPS://APP.EXAMPLE").origin_allowed);
  for (const char* bad : {"https://evil.example", "null", "http://localhost:8789"}) {
    auto r = check(c, "localhost:8788", bad);
    REQUIRE_FALSE(r.failure);  // the router decides per route (app/cors.hpp)
    REQUIRE_FALSE(r.origin_allowed);
  }
}
