// Tool `userInfoOctokit`: the signed-in GitHub user, read with their own GitHub token (the
// template's second tool, which calls octokit.rest.users.getAuthenticated()).
//
// 1. The text is the JSON the template returns: Octokit's response {status, url, headers, data}.
// 2. GitHub 401 (the user revoked the app, or the token expired): an error result AND the grant is
//    revoked, so the client's next request gets 401 and signs in again.
// 3. A rate limit (403 with x-ratelimit-remaining: 0, or 429) or a 5xx: an error result saying so;
//    the grant is kept. No answer at all: the same, as "GitHub did not answer".
#include "host/fetch.hpp"
#include "oauth/bearer.hpp"
#include "oauth/store.hpp"
#include "tools/registry.hpp"

namespace tools {

namespace {

async::Task<ToolResult> user_info(CallContext& ctx) {
  auto props = co_await oauth::open_props(ctx.host, ctx.caller, ctx.auth_cache, ctx.now_ms);
  const std::string* token = props ? json::get_string(*props, "accessToken") : nullptr;
  if (!token) co_return ToolResult::error("The signed-in user's GitHub token could not be opened; sign in again.",
                                              "github_token_unreadable");
  host::FetchRequest req;
  req.url = ctx.config.github_api_url + "/user";
  req.headers = {{"authorization", "token " + *token},
                 {"accept", "application/vnd.github+json"},
                 {"user-agent", "remote-mcp-github-oauth-cpp"},
                 {"x-github-api-version", "2022-11-28"}};
  host::OpResult r = co_await ctx.host.perform_one(host::op_fetch(req));
  auto response = r.ok() ? host::decode_fetch_response(r.bytes) : std::nullopt;
  if (!response) co_return ToolResult::error("GitHub did not answer. Try again in a moment.", "github_unreachable");
  if (response->status == 401) {
    auto revoked = co_await oauth::revoke_grant(ctx.host, ctx.caller.user, ctx.caller.grant_id, ctx.now_s, ctx.auth_cache);
    (void)revoked;  // even if the revocation must be retried, the answer to the user is the same
    co_return ToolResult::error("GitHub no longer accepts this sign-in (the app was revoked or the token expired). "
                                "Sign in again.",
                                "github_token_revoked");
  }
  const std::string* remaining = response->header("x-ratelimit-remaining");
  if (response->status == 429 || (response->status == 403 && remaining && *remaining == "0"))
    co_return ToolResult::error("GitHub's rate limit for this user is exhausted; try again later.", "github_rate_limited");
  if (response->status >= 500) co_return ToolResult::error("GitHub is failing (status " + std::to_string(response->status) + "); try again later.",
                                                          "github_failing");
  auto data = json::parse(response->body);
  if (response->status != 200 || !data.value)
    co_return ToolResult::error("GitHub answered status " + std::to_string(response->status) + " with something unreadable.",
                                "github_bad_reply");
  Json headers = Json::object();
  for (const auto& [name, value] : response->headers) headers[name] = value;
  Json octokit{{"status", response->status}, {"url", req.url}, {"headers", std::move(headers)}, {"data", std::move(*data.value)}};
  co_return ToolResult::text(json::dump(octokit));
}

}  // namespace

Tool make_userInfoOctokit_tool() {
  Tool t;
  t.name = "userInfoOctokit";
  t.title = "GitHub user info";
  t.description = "Get user info from GitHub, via Octokit";
  t.input_schema = Json{{"type", "object"}, {"properties", Json::object()}, {"additionalProperties", false}};
  t.annotations = Json{{"title", "GitHub user info"},
                       {"readOnlyHint", true},
                       {"destructiveHint", false},
                       {"idempotentHint", true},
                       {"openWorldHint", true}};
  t.handler = &user_info;
  return t;
}

}  // namespace tools
