// Tool `generateImage`: an image from Workers AI's flux-1-schnell, for allow-listed logins only
// (the template's third tool).
//
// 1. Listed and callable only when the caller's login is in ALLOWED_USERNAMES (case-insensitive);
//    for anyone else the tool does not exist (tools/list omits it; tools/call is -32602).
// 2. prompt: a non-empty string (at most 2048 characters); steps: a number from 4 to 8, default 4.
//    Violations are error results, not protocol errors.
// 3. The reply is image content: base64 JPEG, as the model returns it. A failing AI binding or an
//    unreadable answer is an error result.
#include <algorithm>
#include <cmath>

#include "app/limits.hpp"
#include "tools/registry.hpp"

namespace tools {

namespace {

constexpr char kModel[] = "@cf/black-forest-labs/flux-1-schnell";

bool allowed(const app::Principal& caller, const app::Config& config) {
  std::string login = caller.user;
  std::transform(login.begin(), login.end(), login.begin(), [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
  return std::find(config.allowed_usernames.begin(), config.allowed_usernames.end(), login) != config.allowed_usernames.end();
}

async::Task<ToolResult> generate(CallContext& ctx) {
  const Json* prompt = json::find(ctx.arguments, "prompt");
  const std::string text = prompt && prompt->is_string() ? prompt->get<std::string>() : std::string();
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) co_return ToolResult::error("prompt must not be empty", "invalid_arguments");
  double steps = 4;
  if (const Json* s = json::find(ctx.arguments, "steps")) steps = s->get<double>();
  if (steps < 4 || steps > 8 || std::floor(steps) != steps) co_return ToolResult::error("steps must be a whole number from 4 to 8", "invalid_arguments");
  Json inputs{{"prompt", text}, {"steps", static_cast<int>(steps)}};
  host::OpResult r = co_await ctx.host.perform_one(host::op_ai_run(kModel, json::dump(inputs)));
  if (!r.ok()) co_return ToolResult::error("Workers AI failed to generate the image; try again.", "ai_failed");
  auto out = json::parse(r.bytes);
  const std::string* image = out.value ? json::get_string(*out.value, "image") : nullptr;
  if (!image || image->empty()) co_return ToolResult::error("Workers AI returned no image.", "ai_no_image");
  ToolResult result;
  result.content.push_back(Json{{"type", "image"}, {"data", *image}, {"mimeType", "image/jpeg"}});
  co_return result;
}

}  // namespace

Tool make_generateImage_tool() {
  Tool t;
  t.name = "generateImage";
  t.title = "Generate image";
  t.description = "Generate an image using the flux-1-schnell model. Works best with 8 steps.";
  t.input_schema = Json{{"type", "object"},
                        {"properties",
                         Json{{"prompt", Json{{"type", "string"}, {"description", "A text description of the image you want to generate."}, {"maxLength", app::max_prompt_length}}},
                              {"steps", Json{{"type", "number"}, {"minimum", 4}, {"maximum", 8}, {"default", 4},
                                             {"description", "The number of diffusion steps; higher values can improve quality but take longer. Must be between 4 and 8, inclusive."}}}}},
                        {"required", Json::array({"prompt"})},
                        {"additionalProperties", false}};
  t.annotations = Json{{"title", "Generate image"},
                       {"readOnlyHint", true},
                       {"destructiveHint", false},
                       {"idempotentHint", false},
                       {"openWorldHint", true}};
  t.handler = &generate;
  t.visible = &allowed;
  return t;
}

}  // namespace tools
