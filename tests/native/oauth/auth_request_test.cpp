#include "oauth/auth_request.hpp"

#include <catch2/catch.hpp>

#include <limits>

using json::Json;

namespace {

oauth::AuthRequest sample() {
  oauth::AuthRequest r;
  r.client_id = "client0123456789";
  r.redirect_uri = "http://127.0.0.1:5555/callback";
  r.state = "st4te";
  r.code_challenge = "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0";
  r.resource = "http://localhost:8788/mcp";
  r.scope = {"read", "write"};
  r.issued_at = 1'750'000'000;
  return r;
}

}  // namespace

TEST_CASE("an authorization request carries forward as JSON with the reference's camelCase names", "[oauth][auth_request]") {
  const Json j = sample().to_json();
  REQUIRE(j == Json{{"clientId", "client0123456789"},
                    {"redirectUri", "http://127.0.0.1:5555/callback"},
                    {"state", "st4te"},
                    {"codeChallenge", "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0"},
                    {"resource", "http://localhost:8788/mcp"},
                    {"scope", Json::array({"read", "write"})},
                    {"issuedAt", 1'750'000'000}});
}

TEST_CASE("an authorization request survives the round trip through JSON unchanged", "[oauth][auth_request]") {
  const auto back = oauth::AuthRequest::from_json(sample().to_json());
  REQUIRE(back);
  REQUIRE(back->client_id == "client0123456789");
  REQUIRE(back->redirect_uri == "http://127.0.0.1:5555/callback");
  REQUIRE(back->state == "st4te");
  REQUIRE(back->code_challenge == "ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0");
  REQUIRE(back->resource == "http://localhost:8788/mcp");
  REQUIRE(back->scope == std::vector<std::string>{"read", "write"});
  REQUIRE(back->issued_at == 1'750'000'000);

  oauth::AuthRequest empty = sample();
  empty.state.clear();
  empty.scope.clear();
  const auto e = oauth::AuthRequest::from_json(empty.to_json());
  REQUIRE(e);
  REQUIRE(e->state.empty());
  REQUIRE(e->scope.empty());
}

TEST_CASE("a stored request missing a field or with a wrong type is no request", "[oauth][auth_request]") {
  const Json good = sample().to_json();
  for (const char* field : {"clientId", "redirectUri", "state", "codeChallenge", "resource", "scope", "issuedAt"}) {
    INFO(field);
    Json missing = good;
    missing.erase(field);
    REQUIRE_FALSE(oauth::AuthRequest::from_json(missing));
    Json wrong = good;
    wrong[field] = Json::object();
    REQUIRE_FALSE(oauth::AuthRequest::from_json(wrong));
  }
  Json bad_scope = good;
  bad_scope["scope"] = Json::array({"read", 7});
  REQUIRE_FALSE(oauth::AuthRequest::from_json(bad_scope));
  Json float_time = good;
  float_time["issuedAt"] = 1.5;
  REQUIRE_FALSE(oauth::AuthRequest::from_json(float_time));
  Json string_time = good;
  string_time["issuedAt"] = "1750000000";
  REQUIRE_FALSE(oauth::AuthRequest::from_json(string_time));
  REQUIRE_FALSE(oauth::AuthRequest::from_json(Json::array()));
  REQUIRE_FALSE(oauth::AuthRequest::from_json(Json()));
  REQUIRE_FALSE(oauth::AuthRequest::from_json(Json("text")));
}

// Fuzzing: an issuedAt of -2^63 overflowed `now - issuedAt` at the consent POST.
TEST_CASE("a stored request whose issuedAt is not a safe integer is no request", "[oauth][auth_request][fuzz]") {
  const Json good = sample().to_json();
  for (const Json& bad : {Json(std::numeric_limits<std::int64_t>::min()), Json(std::numeric_limits<std::uint64_t>::max()),
                          Json(9007199254740992LL)}) {
    INFO(json::dump(bad));
    Json r = good;
    r["issuedAt"] = bad;
    REQUIRE_FALSE(oauth::AuthRequest::from_json(r));
  }
}
