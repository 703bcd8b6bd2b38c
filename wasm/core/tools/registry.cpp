#include "tools/registry.hpp"

#include <cassert>

namespace tools {

ToolResult ToolResult::text(std::string text) {
  ToolResult r;
  r.content.push_back(Json{{"type", "text"}, {"text", std::move(text)}});
  return r;
}

ToolResult ToolResult::error(std::string text, std::string reason) {
  ToolResult r = ToolResult::text(std::move(text));
  r.is_error = true;
  r.reason = std::move(reason);
  return r;
}

Json ToolResult::to_json() const {
  Json out{{"content", content}};
  if (is_error) out["isError"] = true;
  return out;
}

void ToolRegistry::add(Tool tool) {
  assert(find(tool.name) == nullptr && "tool names are unique");
  Json entry{{"name", tool.name},
             {"description", tool.description},
             {"inputSchema", tool.input_schema}};
  if (!tool.title.empty()) entry["title"] = tool.title;
  if (!tool.annotations.is_null()) entry["annotations"] = tool.annotations;
  list_result_["tools"].push_back(std::move(entry));
  tools_.push_back(std::move(tool));
}

Json ToolRegistry::list_result(const app::Principal& caller, const app::Config& config) const {
  bool all = true;
  for (const auto& t : tools_) all = all && !t.visible;
  if (all) return list_result_;
  Json out{{"tools", Json::array()}};
  for (std::size_t i = 0; i < tools_.size(); ++i)
    if (visible_to(tools_[i], caller, config)) out["tools"].push_back(list_result_["tools"][i]);
  return out;
}

const Tool* ToolRegistry::find(std::string_view name) const {
  for (const auto& t : tools_)
    if (t.name == name) return &t;
  return nullptr;
}

}  // namespace tools
