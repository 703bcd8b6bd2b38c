#include "oauth/authorize_endpoint.hpp"

#include <algorithm>

#include "app/signed_value.hpp"
#include "app/limits.hpp"
#include "base/bytes.hpp"
#include "github/sign_in.hpp"
#include "http/cookies.hpp"
#include "http/form.hpp"
#include "oauth/auth_request.hpp"
#include "oauth/consent_page.hpp"
#include "oauth/redirect_uri.hpp"
#include "oauth/responses.hpp"
#include "oauth/store.hpp"
#include "oauth/token_crypto.hpp"

namespace oauth {

using json::Json;

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

http::Response error_redirect(const AuthRequest& r, const OAuthContext& ctx, std::string error, std::string description) {
  Params params;
  params.emplace_back(std::string("error"), std::move(error));
  params.emplace_back(std::string("error_description"), std::move(description));
  if (!r.state.empty()) params.emplace_back(std::string("state"), r.state);
  params.emplace_back(std::string("iss"), ctx.origin);
  return redirect_with(r.redirect_uri, params);
}

// Signing and verifying fail only when the host did (handle_authorize checked the secret first);
// a browser gets a page for it, never the JSON the signing helpers answer with (rule A10).
http::Response as_page(const http::Response& failure) {
  if (failure.status == 503) return unavailable_page();
  return error_page(failure.status, "Sign-in could not continue", "This server could not sign the request.");
}

std::string cookie_header(const char* name, const std::string& value, std::int64_t max_age) {
  http::CookieOptions options;
  options.max_age_seconds = max_age;
  return http::host_cookie(name, value, options);
}

// RFC 8707 §2: an absolute URI without a fragment; ours: this origin, or a path under it.
std::optional<std::string> resolve_resource(const std::string* requested, const std::string& origin) {
  if (!requested) return origin;
  if (requested->find('#') != std::string::npos) return std::nullopt;
  auto parts = http::split_url(*requested);
  if (!parts || parts->origin() != origin || !parts->query.empty()) return std::nullopt;
  if (parts->path == "/") return origin;
  return origin + parts->path;
}

bool is_s256_challenge(const std::string& c) {
  if (c.size() != 43) return false;
  return std::all_of(c.begin(), c.end(), [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
  });
}

std::vector<std::string> split_scope(const std::string* scope) {
  std::vector<std::string> out;
  if (!scope) return out;
  std::string_view rest = *scope;
  while (!rest.empty()) {
    const auto space = rest.find(' ');
    if (auto token = rest.substr(0, space); !token.empty()) out.emplace_back(token);
    if (space == std::string_view::npos) break;
    rest.remove_prefix(space + 1);
  }
  return out;
}

// The signed approvals cookie: a JSON array of client ids, most recent first.
async::Task<base::Result<std::vector<std::string>, http::Response>> read_approvals(const http::Request& request,
                                                                                   host::Host& host,
                                                                                   const OAuthContext& ctx) {
  std::vector<std::string> ids;
  auto cookie = http::cookie_value(request.header("cookie"), approvals_cookie);
  if (!cookie) co_return ids;
  auto opened = co_await app::open_signed(host, ctx.config, ctx.keys, app::key_labels::approvals, *cookie);
  if (!opened) co_return base::Err{as_page(opened.error())};
  if (!*opened) co_return ids;
  auto parsed = json::parse(**opened);
  if (parsed.value && parsed.value->is_array())
    for (const Json& id : *parsed.value)
      if (id.is_string()) ids.push_back(id.get<std::string>());
  co_return ids;
}

// RFC 6749 §3.1: request parameters must not be included more than once.
const char* first_repeated(const http::FormFields& q) {
  static constexpr const char* names[] = {"response_type", "state", "code_challenge", "code_challenge_method", "scope"};
  for (const char* name : names)
    if (q.repeated(name)) return name;
  return nullptr;
}

std::optional<AuthRequest> auth_request_from_text(const std::string& text) {
  auto parsed = json::parse(text);
  return parsed.value ? AuthRequest::from_json(*parsed.value) : std::nullopt;
}

struct Validated {
  AuthRequest request;
  Client client;
};

async::Task<base::Result<Validated, http::Response>> validate(const http::UrlParts& url, host::Host& host,
                                                              const OAuthContext& ctx) {
  auto q = http::parse_form(url.query);
  if (!q) co_return base::Err{error_page(400, "Invalid authorization request", "The request's parameters could not be read.")};
  const std::string* client_id = q->get("client_id");
  if (!client_id || client_id->empty() || q->repeated("client_id") || client_id->size() > app::max_client_id_url_length)
    co_return base::Err{error_page(400, "Invalid authorization request", "The request names no client (client_id).")};
  auto client = co_await get_client(host, *client_id);
  if (!client) co_return base::Err{unavailable_page()};
  if (!*client)
    co_return base::Err{error_page(400, "Unknown client", "No client is registered with this id. Register the client again.")};
  const auto registered = (*client)->redirect_uris();
  const std::string* presented = q->get("redirect_uri");
  if (q->repeated("redirect_uri"))
    co_return base::Err{error_page(400, "Invalid authorization request", "redirect_uri is given more than once.")};
  std::string redirect_uri;
  if (!presented) {
    if (registered.size() != 1)
      co_return base::Err{error_page(400, "Invalid authorization request", "redirect_uri is required for this client.")};
    redirect_uri = registered.front();
  } else if (find_redirect_uri(*presented, registered)) {
    redirect_uri = *presented;
  } else {
    co_return base::Err{error_page(400, "Invalid redirect URI", "This redirect URI is not registered for the client.")};
  }

  AuthRequest r;
  r.client_id = *client_id;
  r.redirect_uri = redirect_uri;
  if (const std::string* state = q->get("state")) r.state = *state;
  r.issued_at = ctx.now_s();
  // From here on, errors go back to the client (the redirect URI is known to be registered).
  if (const char* name = first_repeated(*q))
    co_return base::Err{error_redirect(r, ctx, "invalid_request", std::string(name) + " is given more than once")};
  if (r.state.size() > app::max_authorize_state_length) co_return base::Err{error_redirect(r, ctx, "invalid_request", "state is too long")};
  const std::string* response_type = q->get("response_type");
  if (!response_type || *response_type != "code")
    co_return base::Err{error_redirect(r, ctx, "unsupported_response_type", "Only response_type=code is supported")};
  const std::string* challenge = q->get("code_challenge");
  const std::string* method = q->get("code_challenge_method");
  if (!challenge) co_return base::Err{error_redirect(r, ctx, "invalid_request", "code_challenge is required (PKCE with S256)")};
  if (!method || *method != "S256")
    co_return base::Err{error_redirect(r, ctx, "invalid_request", "code_challenge_method must be S256; plain is not accepted")};
  if (!is_s256_challenge(*challenge))
    co_return base::Err{error_redirect(r, ctx, "invalid_request", "code_challenge is not a base64url SHA-256 value")};
  r.code_challenge = *challenge;
  if (q->repeated("resource")) co_return base::Err{error_redirect(r, ctx, "invalid_target", "Ask for one resource")};
  auto resource = resolve_resource(q->get("resource"), ctx.origin);
  if (!resource) co_return base::Err{error_redirect(r, ctx, "invalid_target", "The resource is not served by this server")};
  r.resource = std::move(*resource);
  const std::string* scope = q->get("scope");
  if (scope && scope->size() > app::max_authorize_scope_length) co_return base::Err{error_redirect(r, ctx, "invalid_scope", "scope is too long")};
  r.scope = split_scope(scope);
  co_return Validated{std::move(r), std::move(**client)};
}

async::Task<http::Response> show_consent(const Validated& v, host::Host& host, const OAuthContext& ctx) {
  auto key = co_await ctx.keys.get(host, ctx.config, app::key_labels::consent_request);
  if (!key) co_return as_page(key.error());
  // The signed request and the CSRF token in one round trip.
  const std::string payload = json::dump(v.request.to_json());
  std::vector<host::Operation> ops;
  ops.push_back(app::op_sign(std::move(*key), app::key_labels::consent_request, payload));
  ops.push_back(host::op_random(32));
  std::vector<host::OpResult> r = co_await host.perform(std::move(ops));
  auto signed_request = app::signed_text(payload, r[0]);
  if (!signed_request) co_return unavailable_page();
  auto csrf = random_text_of(r[1], 32);
  if (!csrf) co_return unavailable_page();
  http::Response page = html_page(200, consent_title(v.client),
                                  consent_html(ConsentView{v.client, v.request, ctx.origin, *signed_request, *csrf}));
  page.set("set-cookie", cookie_header(csrf_cookie, *csrf, app::consent_ttl_seconds));
  co_return page;
}

async::Task<http::Response> handle_get(const http::Request& request, const http::UrlParts& url, host::Host& host,
                                       const OAuthContext& ctx) {
  auto v = co_await validate(url, host, ctx);
  if (!v) co_return v.error();
  auto approved = co_await read_approvals(request, host, ctx);
  if (!approved) co_return approved.error();
  if (std::find(approved->begin(), approved->end(), v->request.client_id) != approved->end())
    co_return co_await github::start_sign_in(host, ctx, v->request, std::vector<std::string>());
  co_return co_await show_consent(*v, host, ctx);
}

async::Task<http::Response> handle_post(const http::Request& request, host::Host& host, const OAuthContext& ctx) {
  const std::string* type = request.header("content-type");
  auto form = type && type->rfind("application/x-www-form-urlencoded", 0) == 0 ? http::parse_form(request.body)
                                                                               : std::nullopt;
  if (request.body_too_large || !form)
    co_return error_page(400, "Invalid consent", "The consent form could not be read. Start again from your MCP client.");
  const std::string* csrf = form->get("csrf");
  auto cookie = http::cookie_value(request.header("cookie"), csrf_cookie);
  if (!csrf || !cookie || csrf->empty() || !base::constant_time_equal(*csrf, *cookie))
    co_return error_page(403, "Consent not accepted",
                         "This form did not come from this browser's consent page. Start again from your MCP client.");
  // A named local, not a temporary: g++ 12 destroys a ?: temporary in a co_await's arguments twice.
  const std::string signed_request = form->get("request") ? *form->get("request") : std::string();
  auto opened = co_await app::open_signed(host, ctx.config, ctx.keys, app::key_labels::consent_request, signed_request);
  if (!opened) co_return as_page(opened.error());
  auto r = *opened ? auth_request_from_text(**opened) : std::nullopt;
  if (!r) co_return error_page(400, "Invalid consent", "The consent form was altered. Start again from your MCP client.");
  if (ctx.now_s() - r->issued_at > app::consent_ttl_seconds || r->issued_at > ctx.now_s() + app::consent_clock_skew_seconds)
    co_return error_page(400, "Consent expired", "The consent page has expired. Start again from your MCP client.");
  const std::string* action = form->get("action");
  const std::string clear_csrf = cookie_header(csrf_cookie, "", 0);
  if (action && *action == "deny") {
    http::Response denied = error_redirect(*r, ctx, "access_denied", "The user denied the request");
    denied.set("set-cookie", clear_csrf);
    co_return denied;
  }
  if (!action || *action != "approve") co_return error_page(400, "Invalid consent", "Choose Approve or Deny.");

  auto approved = co_await read_approvals(request, host, ctx);
  if (!approved) co_return approved.error();
  std::vector<std::string> ids;
  ids.push_back(r->client_id);
  for (auto& id : *approved)
    if (id != r->client_id && ids.size() < app::max_remembered_clients) ids.push_back(std::move(id));
  auto key = co_await ctx.keys.get(host, ctx.config, app::key_labels::approvals);
  if (!key) co_return as_page(key.error());
  // The approvals cookie's MAC and the GitHub state in one round trip.
  const std::string payload = json::dump(Json(ids));
  std::vector<host::Operation> ops;
  ops.push_back(app::op_sign(std::move(*key), app::key_labels::approvals, payload));
  ops.push_back(host::op_random(github::state_length));
  std::vector<host::OpResult> signed_and_drawn = co_await host.perform(std::move(ops));
  auto signed_ids = app::signed_text(payload, signed_and_drawn[0]);
  if (!signed_ids) co_return unavailable_page();
  auto state = random_text_of(signed_and_drawn[1], github::state_length);
  if (!state) co_return unavailable_page();
  std::vector<std::string> cookies;
  cookies.push_back(clear_csrf);
  cookies.push_back(cookie_header(approvals_cookie, *signed_ids, app::approvals_ttl_seconds));
  co_return co_await github::start_sign_in_with(host, ctx, *r, std::move(cookies), std::move(*state));
}

}  // namespace

async::Task<http::Response> handle_authorize(const http::Request& request, const http::UrlParts& url,
                                             host::Host& host, const OAuthContext& ctx) {
  if (auto missing = ctx.config.missing_sign_in_secrets(); !missing.empty())
    co_return error_page(500, "Sign-in is not configured",
                         "This server is missing the secret " + missing.front() +
                             ", so it signs nobody in. Its operator sets it with `wrangler secret put`.");
  if (request.method == "GET") co_return co_await handle_get(request, url, host, ctx);
  if (request.method == "POST") co_return co_await handle_post(request, host, ctx);
  http::Response r = error_page(405, "Method not allowed", "Use GET (or the consent form's POST).");
  r.set("allow", "GET, POST");
  co_return r;
}

}  // namespace oauth
