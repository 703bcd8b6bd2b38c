#include "oauth/rate_limit.hpp"

#include <catch2/catch.hpp>

#include "app/app.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

namespace {

app::Config config() {
  app::Config c = flow::test_config();
  return c;
}

http::Request register_from(const char* ip) {
  http::Request r = fake::post_json("/register", R"({"redirect_uris":["http://127.0.0.1:9/cb"],"token_endpoint_auth_method":"none"})");
  r.headers.push_back({"cf-connecting-ip", ip});
  return r;
}

}  // namespace

TEST_CASE("rate limit: /register past its limit per address is 429 temporarily_unavailable and writes nothing",
          "[oauth][limits]") {
  app::App app(config());
  fake::FakeHost host;
  host.rate_limits[oauth::register_limiter] = 3;
  for (int i = 0; i < 3; ++i) REQUIRE(host.run(app, register_from("198.51.100.7")).status == 201);
  const auto clients = host.kv.size();
  auto r = host.run(app, register_from("198.51.100.7"));
  REQUIRE(r.status == 429);
  REQUIRE(fake::body_json(r)["error"] == "temporarily_unavailable");
  REQUIRE(*fake::header(r, "retry-after") == "60");
  REQUIRE(*fake::header(r, "cache-control") == "no-store");
  REQUIRE(host.kv.size() == clients);
  // Another address has its own budget.
  REQUIRE(host.run(app, register_from("203.0.113.9")).status == 201);
}

TEST_CASE("rate limit: /token is limited per address too", "[oauth][limits]") {
  app::App app(config());
  fake::FakeHost host;
  host.rate_limits[oauth::token_limiter] = 2;
  http::Request r = fake::post_form("/token", "grant_type=refresh_token&refresh_token=x&client_id=nobody");
  REQUIRE(host.run(app, r).status == 401);  // counted, then refused as an unknown client
  REQUIRE(host.run(app, r).status == 401);
  REQUIRE(host.run(app, r).status == 429);
}

TEST_CASE("rate limit: without the binding nothing is limited", "[oauth][limits]") {
  app::App app(config());
  fake::FakeHost host;
  for (int i = 0; i < 20; ++i) REQUIRE(host.run(app, register_from("198.51.100.7")).status == 201);
}
