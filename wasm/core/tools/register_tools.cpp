#include "tools/registry.hpp"

namespace tools {

void register_tools(ToolRegistry& registry) {
#define MCP_TOOL(name) registry.add(make_##name##_tool());
#include "tools/tool_list.inc"
#undef MCP_TOOL
}

}  // namespace tools
