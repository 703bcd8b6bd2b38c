#include "wire/codec.hpp"

#include <catch2/catch.hpp>

TEST_CASE("requests round-trip through the boundary encoding", "[wire]") {
  http::Request r;
  r.method = "POST";
  r.url = "http://localhost:8788/mcp";
  r.headers = {{"content-type", "application/json"}, {"x", std::string("\0\xff", 2)}};
  r.body = std::string("{}\0", 3);
  const std::string bytes = wire::encode_request(r, app::RequestContext{1234567890123});
  auto d = wire::decode_request(bytes);
  REQUIRE(d);
  REQUIRE(d->context.now_ms == 1234567890123);
  REQUIRE(d->request.method == "POST");
  REQUIRE(d->request.headers == r.headers);
  REQUIRE(d->request.body == r.body);
  REQUIRE_FALSE(d->request.body_too_large);
}

TEST_CASE("every truncation of an encoding is refused", "[wire]") {
  http::Request r;
  r.method = "GET";
  r.url = "http://h/";
  r.headers = {{"a", "b"}};
  const std::string bytes = wire::encode_request(r, {});
  for (std::size_t n = 0; n < bytes.size(); ++n) REQUIRE_FALSE(wire::decode_request(bytes.substr(0, n)));
  REQUIRE_FALSE(wire::decode_request(bytes + "x"));
  // A header count far beyond the data is refused without reserving for it.
  std::string huge = bytes;
  huge[8 + 4 + 3 + 4 + 9] = '\xff';
  REQUIRE_FALSE(wire::decode_request(huge));
}

// How many headers a request may carry is the App's policy (431, app/limits.hpp), not the
// decoder's: it decodes as many as the input really holds.
TEST_CASE("requests with many headers decode; only a count the input cannot hold is refused", "[wire]") {
  http::Request r;
  r.method = "GET";
  r.url = "http://h/";
  for (int i = 0; i < 2000; ++i) r.headers.push_back({"x", "y"});
  auto d = wire::decode_request(wire::encode_request(r, {}));
  REQUIRE(d);
  REQUIRE(d->request.headers.size() == 2000);
}

TEST_CASE("results must answer exactly the parked operations", "[wire]") {
  const std::vector<host::OpResult> results = {{host::OpStatus::ok, "x"}, {host::OpStatus::not_found, ""}};
  const std::string bytes = wire::encode_results(results);
  auto d = wire::decode_results(bytes, 2);
  REQUIRE(d);
  REQUIRE((*d)[0].bytes == "x");
  REQUIRE((*d)[1].status == host::OpStatus::not_found);
  REQUIRE_FALSE(wire::decode_results(bytes, 1));
  std::string bad_status = bytes;
  bad_status[4] = 7;
  REQUIRE_FALSE(wire::decode_results(bad_status, 2));
}

TEST_CASE("environment entries round-trip", "[wire]") {
  const app::EnvEntries env = {{"A", "1"}, {"COOKIE_ENCRYPTION_KEY", "k"}};
  REQUIRE(*wire::decode_env(wire::encode_env(env)) == env);
  REQUIRE_FALSE(wire::decode_env("\x01"));
}
