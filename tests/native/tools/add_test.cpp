#include "tools/registry.hpp"

#include <catch2/catch.hpp>

#include "host/host.hpp"
#include "json/json.hpp"
#include "tools/schema.hpp"

using json::Json;

namespace {

tools::ToolResult run_add(const Json& args) {
  const tools::Tool tool = tools::make_add_tool();
  REQUIRE_FALSE(tools::check_schema(tool.input_schema, args));
  host::Host host;
  const app::Principal caller{"octocat", "client-1", "grant-1", "", "", ""};
  const app::Config config;
  tools::CallContext ctx{host, args, caller, config, 1'750'000'000};
  auto t = tool.handler(ctx);
  t.start();
  REQUIRE(t.done());
  return t.result();
}

std::string text_of(const tools::ToolResult& r) { return r.content[0]["text"].get<std::string>(); }

}  // namespace

TEST_CASE("add is described as in the template", "[tools][add]") {
  const auto t = tools::make_add_tool();
  REQUIRE(t.name == "add");
  REQUIRE(t.description == "Add two numbers the way only MCP can");
  REQUIRE(t.input_schema["required"] == Json::array({"a", "b"}));
}

TEST_CASE("add formats sums as JavaScript's String(number) does", "[tools][add]") {
  REQUIRE(text_of(run_add({{"a", 2}, {"b", 3}})) == "5");
  REQUIRE(text_of(run_add({{"a", 0.1}, {"b", 0.2}})) == "0.30000000000000004");
  REQUIRE(text_of(run_add({{"a", 1.5}, {"b", -4}})) == "-2.5");
  REQUIRE(text_of(run_add({{"a", -0.0}, {"b", 0}})) == "0");
  REQUIRE(text_of(run_add({{"a", 9007199254740991.0}, {"b", 1}})) == "9007199254740992");
  REQUIRE_FALSE(run_add({{"a", 1}, {"b", 2}}).is_error);
}

TEST_CASE("add reports an overflowing sum as a tool error", "[tools][add]") {
  auto r = run_add({{"a", 1.7e308}, {"b", 1.7e308}});
  REQUIRE(r.is_error);
  REQUIRE(r.to_json()["isError"] == true);
}
