#pragma once

#include "tools/registry.hpp"

namespace tools {

// add(a: number, b: number) -> the text of a + b.
Tool make_add_tool();

}  // namespace tools
