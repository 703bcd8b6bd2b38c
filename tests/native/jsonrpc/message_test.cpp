#include "jsonrpc/message.hpp"

#include <catch2/catch.hpp>

using json::Json;

TEST_CASE("classify sorts requests, notifications and responses", "[jsonrpc]") {
  const Json req{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "m"}, {"params", {{"x", 1}}}};
  auto r = jsonrpc::classify(req);
  REQUIRE(r);
  REQUIRE(r->kind == jsonrpc::Kind::request);
  REQUIRE(r->method == "m");
  REQUIRE((*r->params)["x"] == 1);

  auto n = jsonrpc::classify(Json{{"jsonrpc", "2.0"}, {"method", "notifications/x"}});
  REQUIRE(n);
  REQUIRE(n->kind == jsonrpc::Kind::notification);
  REQUIRE(n->params == nullptr);

  auto resp = jsonrpc::classify(Json{{"jsonrpc", "2.0"}, {"id", "a"}, {"result", Json::object()}});
  REQUIRE(resp);
  REQUIRE(resp->kind == jsonrpc::Kind::response);
}

TEST_CASE("classify refuses invalid messages with -32600 and the id when valid", "[jsonrpc]") {
  struct Case {
    Json message;
    Json id;
  };
  const std::vector<Case> cases = {
      {Json::array(), nullptr},
      {Json{{"id", 1}, {"method", "m"}}, 1},
      {Json{{"jsonrpc", "2.0"}, {"id", 1}, {"method", 5}}, 1},
      {Json{{"jsonrpc", "2.0"}, {"id", nullptr}, {"method", "m"}}, nullptr},
      {Json{{"jsonrpc", "2.0"}, {"id", true}, {"method", "m"}}, nullptr},
      {Json{{"jsonrpc", "2.0"}, {"id", 1.5}, {"method", "m"}}, nullptr},
      {Json{{"jsonrpc", "2.0"}, {"id", "x"}, {"method", "m"}, {"params", Json::array()}}, "x"},
      {Json{{"jsonrpc", "2.0"}, {"id", 2}}, 2},
      {Json{{"jsonrpc", "2.0"}, {"id", 2}, {"result", 1}, {"error", 1}}, 2},
  };
  for (const auto& c : cases) {
    auto r = jsonrpc::classify(c.message);
    REQUIRE_FALSE(r);
    REQUIRE(r.error().code == jsonrpc::invalid_request);
    REQUIRE(r.error().id == c.id);
  }
}

TEST_CASE("responses are built in one place", "[jsonrpc]") {
  REQUIRE(jsonrpc::result(1, Json::object()) == Json{{"jsonrpc", "2.0"}, {"id", 1}, {"result", Json::object()}});
  const Json e = jsonrpc::error(nullptr, jsonrpc::parse_error, "bad");
  REQUIRE(e["id"].is_null());
  REQUIRE(e["error"]["code"] == -32700);
  REQUIRE(e["error"]["message"] == "bad");
}
