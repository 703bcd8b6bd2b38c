// The worker as a GitHub OAuth client (GitHub docs, "Authorizing OAuth apps", web application flow).
//
// Contract:
// 1. `start_sign_in`: an unguessable state (`state_length` = 32 random characters) is stored in KV under
//    `oauth:state:{state}` for 10 minutes with the validated authorization request, and bound to
//    this browser by the `__Host-mcp-github-state` cookie holding its SHA-256 (hex). Then 302 to
//    $GITHUB_OAUTH_URL/authorize with client_id, redirect_uri = <origin>/callback, scope read:user,
//    state.
// 2. `handle_callback` (GET /callback): the state must be in KV and its hash in the cookie
//    (constant-time); it is deleted before anything else happens (single use). GitHub's own
//    refusal (?error=access_denied) goes back to the client as access_denied. The code is
//    exchanged at $GITHUB_OAUTH_URL/access_token (Accept: application/json; GitHub reports
//    errors such as bad_verification_code as HTTP 200 with an `error` field), the user is read from
//    $GITHUB_API_URL/user (User-Agent, Accept: application/vnd.github+json), and the authorization
//    completes with user id = login and props {login, id, name, email, accessToken}.
// 3. Every failure is a page that says what went wrong (never the GitHub token or secrets), and
//    nothing is written before the user is known.
#pragma once

#include "async/task.hpp"
#include "host/host.hpp"
#include "http/message.hpp"
#include "http/url.hpp"
#include "oauth/auth_request.hpp"
#include "oauth/context.hpp"

namespace github {

inline constexpr const char* state_cookie = "__Host-mcp-github-state";
inline constexpr const char* user_agent = "remote-mcp-github-oauth-cpp";
// The one GitHub scope asked for: read access to the profile (the consent page names it too).
inline constexpr const char* requested_scope = "read:user";

inline constexpr std::size_t state_length = 32;

async::Task<http::Response> start_sign_in(host::Host& host, const oauth::OAuthContext& ctx,
                                          const oauth::AuthRequest& request, std::vector<std::string> extra_cookies);
// The same with a state the caller drew (state_length characters of oauth::random_text), so it
// could draw it in a round trip it makes anyway.
async::Task<http::Response> start_sign_in_with(host::Host& host, const oauth::OAuthContext& ctx,
                                               const oauth::AuthRequest& request, std::vector<std::string> extra_cookies,
                                               std::string state);
async::Task<http::Response> handle_callback(const http::Request& request, const http::UrlParts& url, host::Host& host,
                                            const oauth::OAuthContext& ctx);

}  // namespace github
