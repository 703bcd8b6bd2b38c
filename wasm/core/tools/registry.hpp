// Tools: what an MCP client can call, and the one place they are registered.
//
// Contract:
// 1. A tool is a value: name, description, JSON Schema for its input, annotations, and a coroutine
//    handler. No static registration: `register_tools` (register_tools.cpp) lists every tool.
// 2. The dispatcher validates `arguments` against `input_schema` before the handler runs, so a
//    handler may read its arguments with the unchecked accessors of nlohmann.
// 3. A handler reports failure as `ToolResult::error(...)` (isError: true, MCP 2025-06-18
//    server/tools §error handling), never as a JSON-RPC error.
// 4. Adding a tool: one new file tools/<name>.cpp defining `Tool make_<name>_tool()`, and one
//    line `MCP_TOOL(<name>)` in tools/tool_list.inc (docs/architecture.md, "Adding a tool").
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/auth_cache.hpp"
#include "app/config.hpp"
#include "app/principal.hpp"
#include "async/task.hpp"
#include "host/host.hpp"
#include "json/json.hpp"

namespace tools {

using json::Json;

struct ToolResult {
  Json content = Json::array();
  bool is_error = false;
  std::string reason;  // for the request log only (app/request_log): a stable word, never sent

  static ToolResult text(std::string text);
  // `reason` names the failure in the request log ("github_rate_limited"); not part of the result.
  static ToolResult error(std::string text, std::string reason = "tool_error");
  Json to_json() const;
};

// What a handler may use while it runs.
struct CallContext {
  host::Host& host;
  const Json& arguments;        // validated against the tool's input_schema
  const app::Principal& caller;  // the signed-in user; oauth::open_props(host, caller, auth_cache, now_ms) gives the props
  const app::Config& config;
  std::int64_t now_s = 0;
  app::AuthCache* auth_cache = nullptr;  // the isolate's verified tokens: oauth::revoke_grant, open_props
  std::int64_t now_ms = now_s * 1000;
};

// Whether `caller` may see and call a tool (nullptr in Tool::visible: everyone).
using Visibility = bool (*)(const app::Principal& caller, const app::Config& config);

using Handler = async::Task<ToolResult> (*)(CallContext&);

struct Tool {
  std::string name;
  std::string title;
  std::string description;
  Json input_schema;
  Json annotations;
  Handler handler = nullptr;
  Visibility visible = nullptr;
};

class ToolRegistry {
 public:
  void add(Tool tool);
  const Tool* find(std::string_view name) const;
  const std::vector<Tool>& all() const { return tools_; }
  // The `tools/list` result for `caller` (MCP 2025-06-18 server/tools §listing): built once, and
  // filtered only when some tool is not for everyone.
  Json list_result(const app::Principal& caller, const app::Config& config) const;
  bool visible_to(const Tool& tool, const app::Principal& caller, const app::Config& config) const {
    return !tool.visible || tool.visible(caller, config);
  }

 private:
  std::vector<Tool> tools_;
  Json list_result_ = Json{{"tools", Json::array()}};
};

// Adds every tool of tools/tool_list.inc. Call once per App.
void register_tools(ToolRegistry& registry);

// The factories, one per tool file.
#define MCP_TOOL(name) Tool make_##name##_tool();
#include "tools/tool_list.inc"
#undef MCP_TOOL

}  // namespace tools
