// The worker as a GitHub OAuth client (GitHub docs, "Authorizing OAuth apps", web application flow).
//
// Contract:
// 1. `start_sign_in`: an unguessable state (`state_length` = 32 random characters) bound to this
//    browser by the `__Host-mcp-github-state` cookie (HttpOnly, Secure, SameSite=Lax, 10 minutes),
//    which carries the sign-in itself: app/signed_value's "<b64url(payload)>.<b64url(MAC)>" under
//    the derived key `mcp-github-state/v1`, payload {state, request (the validated authorization
//    request), createdAt}. Nothing is written to KV. Only when that value would be longer than
//    max_state_cookie_value_length (a request with very long URIs) is the record stored in KV
//    under `oauth:state:{state}` for 10 minutes, the cookie then holding the state's SHA-256 (hex).
//    Then 302 to $GITHUB_OAUTH_URL/authorize with client_id, redirect_uri = <origin>/callback,
//    scope read:user, state.
// 2. `handle_callback` (GET /callback): the state in the query must be the one the cookie names:
//    a signed cookie must verify (constant-time MAC), hold that state (constant-time) and be at
//    most 10 minutes old; a hash cookie must equal the state's hash (constant-time) and its KV
//    record must exist and is deleted before anything else happens. Either way the cookie is
//    cleared by every answer past that check, so a state is used once per browser; a second use
//    of GitHub's code fails at GitHub. GitHub's own refusal (?error=access_denied) goes back to
//    the client as access_denied. The code is exchanged at $GITHUB_OAUTH_URL/access_token
//    (Accept: application/json; GitHub reports errors such as bad_verification_code as HTTP 200
//    with an `error` field), the user is read from $GITHUB_API_URL/user (User-Agent, Accept:
//    application/vnd.github+json), and the authorization completes with user id = login and props
//    {login, id, name, email, accessToken}.
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
