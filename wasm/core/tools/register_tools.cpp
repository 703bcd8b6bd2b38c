// Every tool the server offers, in the order tools/list shows them.
#include "tools/add.hpp"
#include "tools/registry.hpp"

namespace tools {

void register_tools(ToolRegistry& registry) {
  registry.add(make_add_tool());
}

}  // namespace tools
