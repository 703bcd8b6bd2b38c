// Tool `add`: the template's first tool (remote-mcp-github-oauth, src/index.ts).
#include "tools/registry.hpp"

#include <cmath>

namespace tools {

namespace {

async::Task<ToolResult> add(CallContext& ctx) {
  const double a = ctx.arguments["a"].get<double>();
  const double b = ctx.arguments["b"].get<double>();
  const double sum = a + b;
  if (!std::isfinite(sum)) co_return ToolResult::error("The sum of a and b is too large to represent");
  co_return ToolResult::text(json::number_text(sum));
}

}  // namespace

Tool make_add_tool() {
  Tool t;
  t.name = "add";
  t.title = "Add";
  t.description = "Add two numbers the way only MCP can";
  t.input_schema = Json{{"type", "object"},
                        {"properties", Json{{"a", Json{{"type", "number"}}}, {"b", Json{{"type", "number"}}}}},
                        {"required", Json::array({"a", "b"})},
                        {"additionalProperties", false}};
  t.annotations = Json{{"title", "Add"},
                       {"readOnlyHint", true},
                       {"destructiveHint", false},
                       {"idempotentHint", true},
                       {"openWorldHint", false}};
  t.handler = &add;
  return t;
}

}  // namespace tools
