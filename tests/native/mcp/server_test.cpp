#include "mcp/server.hpp"

#include <catch2/catch.hpp>

#include "host/host.hpp"
#include "tools/registry.hpp"

using json::Json;

namespace {

struct Fixture {
  tools::ToolRegistry registry;
  app::Config config;
  mcp::Server server{mcp::ServerInfo{}, registry, config};
  host::Host host;
  app::Principal caller{"octocat", "client-1", "grant-1", "", "", ""};
  Fixture() { tools::register_tools(registry); }

  std::optional<Json> call(const Json& message) {
    auto m = jsonrpc::classify(message);
    REQUIRE(m);
    auto t = server.handle(*m, host, caller, 1'750'000'000'000);
    t.start();
    REQUIRE(t.done());  // nothing here needs the host
    return t.result();
  }
};

Json request(const char* method, Json params = nullptr) {
  Json m{{"jsonrpc", "2.0"}, {"id", "r1"}, {"method", method}};
  if (!params.is_null()) m["params"] = std::move(params);
  return m;
}

}  // namespace

TEST_CASE("initialize describes the server", "[mcp][server]") {
  Fixture f;
  auto r = f.call(request("initialize", {{"protocolVersion", "2025-03-26"}, {"capabilities", Json::object()}}));
  REQUIRE(r);
  REQUIRE((*r)["id"] == "r1");
  REQUIRE((*r)["result"]["protocolVersion"] == "2025-03-26");
  REQUIRE((*r)["result"]["capabilities"]["tools"]["listChanged"] == false);
  REQUIRE((*r)["result"]["capabilities"]["logging"] == Json::object());
  auto bad = f.call(request("initialize", {{"protocolVersion", 2025}}));
  REQUIRE((*bad)["error"]["code"] == -32602);
}

TEST_CASE("ping, tools/list and unknown methods", "[mcp][server]") {
  Fixture f;
  REQUIRE((*f.call(request("ping")))["result"] == Json::object());
  const Json tools = (*f.call(request("tools/list")))["result"]["tools"];
  REQUIRE(tools.size() == 2);  // generateImage is only for ALLOWED_USERNAMES
  REQUIRE(tools[1]["name"] == "userInfoOctokit");
  REQUIRE(tools[0]["name"] == "add");
  REQUIRE(tools[0]["inputSchema"]["type"] == "object");
  REQUIRE(tools[0]["annotations"]["readOnlyHint"] == true);
  auto unknown = f.call(request("resources/list"));
  REQUIRE((*unknown)["error"]["code"] == -32601);
}

TEST_CASE("notifications never get a response", "[mcp][server]") {
  Fixture f;
  REQUIRE_FALSE(f.call(Json{{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}));
  REQUIRE_FALSE(f.call(Json{{"jsonrpc", "2.0"}, {"method", "tools/list"}}));
}

TEST_CASE("tools/call errors: unknown tool, bad name, bad arguments", "[mcp][server][tools]") {
  Fixture f;
  REQUIRE((*f.call(request("tools/call", {{"name", "nope"}})))["error"]["code"] == -32602);
  REQUIRE((*f.call(request("tools/call", {{"name", 3}})))["error"]["code"] == -32602);
  REQUIRE((*f.call(request("tools/call")))["error"]["code"] == -32602);

  auto missing = (*f.call(request("tools/call", {{"name", "add"}, {"arguments", {{"a", 1}}}})))["result"];
  REQUIRE(missing["isError"] == true);
  REQUIRE(missing["content"][0]["text"].get<std::string>().find("b: required") != std::string::npos);
  auto wrong = (*f.call(request("tools/call", {{"name", "add"}, {"arguments", {{"a", "1"}, {"b", 2}}}})))["result"];
  REQUIRE(wrong["isError"] == true);
  REQUIRE(wrong["content"][0]["text"].get<std::string>().find("a: expected a number") != std::string::npos);
  auto not_object = (*f.call(request("tools/call", {{"name", "add"}, {"arguments", Json::array()}})))["result"];
  REQUIRE(not_object["isError"] == true);
}

TEST_CASE("logging/setLevel accepts the eight RFC 5424 levels and nothing else", "[mcp][logging]") {
  Fixture f;
  for (const char* level : {"debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"}) {
    auto r = f.call(request("logging/setLevel", {{"level", level}}));
    REQUIRE(r);
    REQUIRE((*r)["result"] == Json::object());
  }
  for (const Json& params : {Json{{"level", "verbose"}}, Json{{"level", 3}}, Json::object()}) {
    auto r = f.call(request("logging/setLevel", params));
    REQUIRE((*r)["error"]["code"] == -32602);
  }
}
