#include "github/sign_in.hpp"

#include "app/limits.hpp"
#include "app/signed_value.hpp"

#include "base/bytes.hpp"
#include "host/fetch.hpp"
#include "http/cookies.hpp"
#include "http/form.hpp"
#include "oauth/authorization.hpp"
#include "oauth/responses.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"

namespace github {

using json::Json;
using oauth::error_page;

namespace {

std::string state_key(std::string_view state) { return "oauth:state:" + std::string(state); }

// Not in a coroutine: GCC 12 miscompiles aggregate initialisers with string defaults inside one.
std::string state_cookie_header(const std::string& hash, std::int64_t max_age) {
  http::CookieOptions options;
  options.max_age_seconds = max_age;
  return http::host_cookie(state_cookie, hash, options);
}

std::string state_record(const oauth::AuthRequest& request, std::int64_t now_s) {
  Json record = Json::object();
  record["request"] = request.to_json();
  record["createdAt"] = now_s;
  return json::dump(record);
}



http::Response authorize_redirect(const oauth::OAuthContext& ctx, const std::string& state) {
  return oauth::redirect_with(ctx.config.github_oauth_url + "/authorize", {{"client_id", ctx.config.github_client_id},
                                                                            {"redirect_uri", ctx.origin + "/callback"},
                                                                            {"scope", requested_scope},
                                                                            {"state", state}});
}

http::Response with_cleared_state(http::Response r) {
  r.set("set-cookie", state_cookie_header("", 0));
  return r;
}

http::Response github_failed(std::string_view what) {
  return with_cleared_state(error_page(502, "Sign-in with GitHub failed", what));
}

// GitHub answers the token exchange with JSON when asked; errors arrive as HTTP 200 with `error`.
async::Task<base::Result<std::string, http::Response>> exchange_code(host::Host& host, const oauth::OAuthContext& ctx,
                                                                     const std::string& code) {
  host::FetchRequest req;
  req.method = "POST";
  req.url = ctx.config.github_oauth_url + "/access_token";
  req.headers = {{"accept", "application/json"},
                 {"content-type", "application/x-www-form-urlencoded"},
                 {"user-agent", user_agent}};
  req.body = "client_id=" + http::form_encode(ctx.config.github_client_id) +
             "&client_secret=" + http::form_encode(ctx.config.github_client_secret) + "&code=" + http::form_encode(code) +
             "&redirect_uri=" + http::form_encode(ctx.origin + "/callback");
  host::OpResult r = co_await host.perform_one(host::op_fetch(req));
  if (!r.ok()) co_return base::Err{github_failed("GitHub did not answer the code exchange. Please try again.")};
  auto response = host::decode_fetch_response(r.bytes);
  if (!response || response->status != 200)
    co_return base::Err{github_failed("GitHub answered the code exchange with an error status. Please try again.")};
  auto body = json::parse(response->body);
  if (!body.value || !body.value->is_object())
    co_return base::Err{github_failed("GitHub's answer to the code exchange could not be read.")};
  if (const std::string* error = json::get_string(*body.value, "error")) {
    const std::string* description = json::get_string(*body.value, "error_description");
    co_return base::Err{with_cleared_state(error_page(
        400, "GitHub refused the sign-in",
        "GitHub said: " + *error + (description ? " (" + *description + ")" : std::string()) +
            ". Start again from your MCP client."))};
  }
  const std::string* token = json::get_string(*body.value, "access_token");
  if (!token || token->empty()) co_return base::Err{github_failed("GitHub's answer carried no access token.")};
  co_return *token;
}

async::Task<base::Result<Json, http::Response>> read_user(host::Host& host, const oauth::OAuthContext& ctx,
                                                          const std::string& token) {
  host::FetchRequest req;
  req.url = ctx.config.github_api_url + "/user";
  req.headers = {{"authorization", "Bearer " + token},
                 {"accept", "application/vnd.github+json"},
                 {"user-agent", user_agent}};
  host::OpResult r = co_await host.perform_one(host::op_fetch(req));
  if (!r.ok()) co_return base::Err{github_failed("GitHub did not answer when asked who you are. Please try again.")};
  auto response = host::decode_fetch_response(r.bytes);
  if (!response || response->status != 200)
    co_return base::Err{github_failed("GitHub would not say who you are (status " +
                                      std::to_string(response ? response->status : 0) + ").")};
  auto body = json::parse(response->body);
  const std::string* login = body.value ? json::get_string(*body.value, "login") : nullptr;
  const Json* id = body.value ? json::find(*body.value, "id") : nullptr;
  if (!login || login->empty() || login->size() > app::max_login_length || !id || !id->is_number_integer())
    co_return base::Err{github_failed("GitHub's description of your account could not be read.")};
  const Json* name = json::find(*body.value, "name");
  const Json* email = json::find(*body.value, "email");
  Json props = Json::object();
  props["login"] = *login;
  props["id"] = *id;
  props["name"] = name && name->is_string() ? *name : Json();
  props["email"] = email && email->is_string() ? *email : Json();
  props["accessToken"] = token;
  co_return props;
}

// The signed cookie's payload: the state record with the state it belongs to.
std::string signed_state_payload(const std::string& state, const oauth::AuthRequest& request, std::int64_t now_s) {
  Json record = Json::object();
  record["state"] = state;
  record["request"] = request.to_json();
  record["createdAt"] = now_s;
  return json::dump(record);
}

// The length of app::signed_text for a payload of `n` bytes: base64url(payload) "." base64url(32-byte MAC).
constexpr std::size_t signed_length(std::size_t n) { return (4 * n + 2) / 3 + 1 + 43; }

http::Response state_mismatch_page() {
  http::Response page = error_page(400, "Sign-in could not continue",
                                   "This sign-in was started in another browser or has expired. Start again from your MCP client.");
  page.outcome.reason = "state_mismatch";
  return page;
}

http::Response state_expired_page() {
  http::Response page = with_cleared_state(
      error_page(400, "Sign-in expired", "This sign-in has expired or was already used. Start again from your MCP client."));
  page.outcome.reason = "state_expired";
  return page;
}

http::Response key_failure_page(const http::Response& failure) {
  if (failure.status == 503) return oauth::unavailable_page();
  return error_page(failure.status, "Sign-in could not continue", "This server could not sign the request.");
}

// The authorization request a state record (signed cookie or KV) carries under "request".
base::Result<oauth::AuthRequest, http::Response> request_of(const Json& record) {
  const Json* saved = json::find(record, "request");
  auto request = saved ? oauth::AuthRequest::from_json(*saved) : std::nullopt;
  if (!request) return base::Err{with_cleared_state(error_page(400, "Sign-in could not continue", "The stored sign-in could not be read."))};
  return std::move(*request);
}

// Rule 2, the signed cookie: its MAC, its state (the one in the query, compared in constant time)
// and its age; then the request it carries.
async::Task<base::Result<oauth::AuthRequest, http::Response>> request_from_signed_cookie(
    host::Host& host, const oauth::OAuthContext& ctx, const std::string& cookie, const std::string& state) {
  auto opened = co_await app::open_signed(host, ctx.config, ctx.keys, app::key_labels::github_state, cookie);
  if (!opened) co_return base::Err{key_failure_page(opened.error())};
  if (!*opened) co_return base::Err{state_mismatch_page()};
  auto record = json::parse(**opened);
  const std::string* signed_state = record.value ? json::get_string(*record.value, "state") : nullptr;
  if (!signed_state || !base::constant_time_equal(*signed_state, state)) co_return base::Err{state_mismatch_page()};
  const auto created = json::get_safe_integer(*record.value, "createdAt");
  if (!created || ctx.now_s() - *created > app::github_state_ttl_seconds) co_return base::Err{state_expired_page()};
  co_return request_of(*record.value);
}

// Rule 2, a request kept in KV: the cookie holds the state's hash; the record is deleted before use.
async::Task<base::Result<oauth::AuthRequest, http::Response>> request_from_kv(
    host::Host& host, const oauth::OAuthContext& ctx, const std::optional<std::string>& cookie, const std::string& state) {
  // The state's hash (to compare with the cookie) and, when there is a cookie, its record: one
  // round trip. The record is not looked at unless the cookie matches.
  std::vector<host::Operation> ops;
  ops.push_back(host::op_sha256(state));
  const bool storable = oauth::is_storable_key(state_key(state));
  if (storable && cookie) ops.push_back(host::op_kv_get(state_key(state)));
  std::vector<host::OpResult> read = co_await host.perform(std::move(ops));
  auto hash = oauth::digest_hex(read[0]);
  if (!hash) co_return base::Err{oauth::unavailable_page()};
  if (!cookie || !base::constant_time_equal(*cookie, *hash)) co_return base::Err{state_mismatch_page()};
  // Read only when the key is storable (the cookie, which the read also needed, matched above).
  auto stored = read.size() > 1 ? oauth::json_record(std::move(read[1])) : oauth::HostResult<std::optional<Json>>(std::nullopt);
  if (!stored) co_return base::Err{oauth::unavailable_page()};
  const auto created = *stored ? json::get_safe_integer(**stored, "createdAt") : std::nullopt;
  // Expiry is checked here from the stored time; the KV TTL only collects garbage (>= 60 s, lazy).
  if (!*stored || !created || ctx.now_s() - *created > app::github_state_ttl_seconds) co_return base::Err{state_expired_page()};
  host::OpResult deleted = co_await host.perform_one(host::op_kv_delete(state_key(state)));
  if (!deleted.ok()) co_return base::Err{oauth::unavailable_page()};
  co_return request_of(**stored);
}

// Rule 2: a signed cookie holds a dot; a hash (the KV case) is hex.
async::Task<base::Result<oauth::AuthRequest, http::Response>> request_from_cookie(
    host::Host& host, const oauth::OAuthContext& ctx, const std::optional<std::string>& cookie, const std::string& state) {
  if (cookie && cookie->find('.') != std::string::npos) co_return co_await request_from_signed_cookie(host, ctx, *cookie, state);
  co_return co_await request_from_kv(host, ctx, cookie, state);
}

}  // namespace

async::Task<http::Response> start_sign_in(host::Host& host, const oauth::OAuthContext& ctx,
                                          const oauth::AuthRequest& request, std::vector<std::string> extra_cookies) {
  auto state = co_await oauth::random_string(host, state_length);
  if (!state) co_return oauth::unavailable_page();
  co_return co_await start_sign_in_with(host, ctx, request, std::move(extra_cookies), std::move(*state));
}

async::Task<http::Response> start_sign_in_with(host::Host& host, const oauth::OAuthContext& ctx,
                                               const oauth::AuthRequest& request, std::vector<std::string> extra_cookies,
                                               std::string state) {
  // Rule 1: the sign-in travels in the cookie, signed, unless that would make it too long.
  const std::string payload = signed_state_payload(state, request, ctx.now_s());
  if (signed_length(payload.size()) <= app::max_state_cookie_value_length) {
    auto key = co_await ctx.keys.get(host, ctx.config, app::key_labels::github_state);
    if (!key) co_return key_failure_page(key.error());
    host::OpResult mac = co_await host.perform_one(app::op_sign(std::move(*key), app::key_labels::github_state, payload));
    auto value = app::signed_text(payload, mac);
    if (!value) co_return oauth::unavailable_page();
    http::Response r = authorize_redirect(ctx, state);
    r.set("set-cookie", state_cookie_header(*value, app::github_state_ttl_seconds));
    for (auto& c : extra_cookies) r.set("set-cookie", std::move(c));
    co_return r;
  }
  // Too long for a cookie: the record in KV, the cookie holds the state's hash. The hash and the
  // stored state in one round trip (a state stored for a failed hash is one nobody holds; it expires).
  std::vector<host::Operation> ops;
  ops.push_back(host::op_sha256(state));
  ops.push_back(host::op_kv_put(state_key(state), state_record(request, ctx.now_s()), app::github_state_ttl_seconds));
  std::vector<host::OpResult> done = co_await host.perform(std::move(ops));
  auto hash = oauth::digest_hex(done[0]);
  if (!hash || !done[1].ok()) co_return oauth::unavailable_page();

  http::Response r = authorize_redirect(ctx, state);
  r.set("set-cookie", state_cookie_header(*hash, app::github_state_ttl_seconds));
  for (auto& c : extra_cookies) r.set("set-cookie", std::move(c));
  co_return r;
}

async::Task<http::Response> handle_callback(const http::Request& request, const http::UrlParts& url, host::Host& host,
                                            const oauth::OAuthContext& ctx) {
  if (request.method != "GET") co_return error_page(405, "Method not allowed", "GitHub returns here with GET.");
  if (auto missing = ctx.config.missing_sign_in_secrets(); !missing.empty())
    co_return error_page(500, "Sign-in is not configured", "This server is missing the secret " + missing.front() + ".");
  auto query = http::parse_form(url.query);
  const std::string* state = query ? query->get("state") : nullptr;
  if (!state || state->empty() || state->size() > app::max_callback_state_length)
    co_return error_page(400, "Sign-in could not continue", "The sign-in link is incomplete. Start again from your MCP client.");
  auto cookie = http::cookie_value(request.header("cookie"), state_cookie);
  auto read = co_await request_from_cookie(host, ctx, cookie, *state);
  if (!read) co_return read.error();
  const oauth::AuthRequest* auth_request = &*read;

  if (const std::string* error = query->get("error")) {
    std::vector<std::pair<std::string, std::string>> params{{"error", "access_denied"},
                                                            {"error_description", "The user did not sign in with GitHub"}};
    if (!auth_request->state.empty()) params.emplace_back("state", auth_request->state);
    params.emplace_back("iss", ctx.origin);
    (void)error;
    co_return with_cleared_state(oauth::redirect_with(auth_request->redirect_uri, params));
  }
  const std::string* code = query->get("code");
  if (!code || code->empty() || code->size() > app::max_github_code_length)
    co_return with_cleared_state(error_page(400, "Sign-in could not continue", "GitHub did not return a code."));

  auto token = co_await exchange_code(host, ctx, *code);
  if (!token) co_return token.error();
  auto props = co_await read_user(host, ctx, *token);
  if (!props) co_return props.error();
  std::string login = (*props)["login"].get<std::string>();
  co_return with_cleared_state(
      co_await oauth::complete_authorization(host, ctx, *auth_request, std::move(login), std::move(*props)));
}

}  // namespace github
