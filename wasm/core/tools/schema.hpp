// A small JSON Schema (2020-12) checker for tool inputs: the subset our schemas use.
//
// Contract:
// 1. Supported keywords: type (object, number, integer, string, boolean, array), properties,
//    required, additionalProperties (false), minimum, maximum, minLength, maxLength. A schema
//    using anything else is a bug in the tool, caught by the tests of that tool.
// 2. "number" and "integer" accept only finite values.
// 3. The first violation is returned as a sentence naming the path ("b: expected a number").
#pragma once

#include <optional>
#include <string>

#include "json/json.hpp"

namespace tools {

std::optional<std::string> check_schema(const json::Json& schema, const json::Json& value);

}  // namespace tools
