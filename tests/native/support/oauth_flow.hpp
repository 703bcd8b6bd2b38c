// Step-by-step pieces of the sign-in flow for the OAuth and GitHub tests: drive a single core
// coroutine on the FakeHost, run a request with chosen operations failing, and walk
// register -> consent -> GitHub -> callback -> token one step at a time (support/sign_in.hpp walks
// it in one go).
#pragma once

#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "app/app.hpp"
#include "app/config.hpp"
#include "app/derived_keys.hpp"
#include "app/run.hpp"
#include "async/task.hpp"
#include "base/bytes.hpp"
#include "host/host.hpp"
#include "http/form.hpp"
#include "json/json.hpp"
#include "oauth/context.hpp"
#include "support/fake_host.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

namespace flow {

inline constexpr const char* verifier = "flow-verifier-0123456789-0123456789-0123456789";
inline constexpr const char* cookie_key = "test-cookie-encryption-key";

inline app::Config test_config() {
  app::Config c;
  c.cookie_encryption_key = cookie_key;
  c.github_client_id = "gh-client";
  c.github_client_secret = "gh-secret";
  c.local_development = true;
  // Every request checked against storage, so tests can count operations and see each write at
  // once; the isolate cache is tested with it on (tests/native/app/auth_cache_test.cpp).
  c.auth_cache_seconds = 0;
  return c;
}

using Performer = std::function<host::OpResult(const host::Operation&)>;

// Runs one core coroutine to completion, performing what it parks with `perform`.
template <class T>
T drive(host::Host& h, async::Task<T> task, const Performer& perform) {
  task.start();
  while (!task.done()) {
    REQUIRE(h.has_parked());
    std::vector<host::OpResult> results;
    for (const auto& op : h.parked()) results.push_back(perform(op));
    h.complete(std::move(results));
    h.resume();
  }
  return std::move(task.result());
}

template <class T>
T drive(fake::FakeHost& fh, host::Host& h, async::Task<T> task) {
  return drive(h, std::move(task), [&fh](const host::Operation& op) { return fh.perform(op); });
}

// A performer that answers `failed` (logged like the others) for the operations `fails` picks.
inline Performer failing(fake::FakeHost& fh, std::function<bool(const host::Operation&)> fails) {
  return [&fh, fails = std::move(fails)](const host::Operation& op) -> host::OpResult {
    if (fails(op)) {
      fh.log.push_back({op.kind, op.key});
      return {host::OpStatus::failed, "scripted failure"};
    }
    return fh.perform(op);
  };
}

// FakeHost::run with a custom performer (e.g. only KV puts failing).
inline http::Response run_with(app::App& app, fake::FakeHost& fh, http::Request request, const Performer& perform) {
  if (!fh.bearer.empty() && !request.header("authorization"))
    request.headers.push_back({"authorization", "Bearer " + fh.bearer});
  app::Run r(app, std::move(request), app::RequestContext{fh.now_ms});
  r.start();
  while (!r.done()) {
    std::vector<host::OpResult> results;
    for (const auto& op : r.host().parked()) results.push_back(perform(op));
    r.host().complete(std::move(results));
    r.resume();
  }
  return std::move(r.response());
}

// What a handler called directly needs: config, derived keys and the server's origin.
struct Context {
  app::Config config = test_config();
  app::DerivedKeys keys;
  oauth::OAuthContext at(std::int64_t now_ms) { return oauth::OAuthContext{config, keys, fake::origin, {now_ms}}; }
};

inline std::string header_or_empty(const http::Response& r, const std::string& name) {
  const std::string* h = fake::header(r, name);
  return h ? *h : std::string();
}

inline std::string hex_sha256(fake::FakeHost& fh, const std::string& text) {
  return base::hex_encode(fh.perform(host::op_sha256(text)).bytes);
}

// Keys of `kv` starting with `prefix`.
inline std::vector<std::string> keys_with_prefix(const fake::FakeHost& fh, const std::string& prefix) {
  std::vector<std::string> out;
  for (const auto& [k, v] : fh.kv)
    if (k.rfind(prefix, 0) == 0) out.push_back(k);
  return out;
}

inline json::Json kv_json(const fake::FakeHost& fh, const std::string& key) {
  auto it = fh.kv.find(key);
  REQUIRE(it != fh.kv.end());
  auto parsed = json::parse(it->second.value);
  REQUIRE(parsed.value);
  return *parsed.value;
}

inline std::size_t count_puts(const fake::FakeHost& fh, const std::string& prefix) {
  std::size_t n = 0;
  for (const auto& l : fh.log) n += l.kind == host::OpKind::kv_put && l.key.rfind(prefix, 0) == 0;
  return n;
}

struct Registered {
  std::string client_id;
  std::string client_secret;  // "" for a public client
  json::Json reply;
};

inline Registered register_client(app::App& app, fake::FakeHost& fh, const json::Json& metadata) {
  auto r = fh.run(app, fake::post_json("/register", json::dump(metadata)));
  REQUIRE(r.status == 201);
  Registered out;
  out.reply = fake::body_json(r);
  out.client_id = out.reply["client_id"].get<std::string>();
  if (const std::string* s = json::get_string(out.reply, "client_secret")) out.client_secret = *s;
  return out;
}

inline Registered register_public(app::App& app, fake::FakeHost& fh, const std::string& name = "Flow tests",
                                  std::vector<std::string> redirect_uris = {fake::test_redirect_uri}) {
  return register_client(app, fh,
                         json::Json{{"redirect_uris", redirect_uris}, {"token_endpoint_auth_method", "none"}, {"client_name", name}});
}

struct AuthorizeOptions {
  std::string redirect_uri = fake::test_redirect_uri;
  std::string state = "st4te";
  std::string verifier = flow::verifier;
  std::string extra_query;  // appended as is ("&resource=…")
};

inline std::string authorize_path(fake::FakeHost& fh, const std::string& client_id, const AuthorizeOptions& o = {}) {
  std::string path = "/authorize?response_type=code&client_id=" + http::form_encode(client_id) +
                     "&redirect_uri=" + http::form_encode(o.redirect_uri) +
                     "&code_challenge=" + fake::pkce_challenge(fh, o.verifier) + "&code_challenge_method=S256";
  if (!o.state.empty()) path += "&state=" + http::form_encode(o.state);
  return path + o.extra_query;
}

struct Consent {
  http::Response page;
  std::string csrf_cookie;  // "name=value" for a Cookie header
  std::string csrf;
  std::string request;  // the signed request from the form
};

inline Consent open_consent(app::App& app, fake::FakeHost& fh, const std::string& client_id, const AuthorizeOptions& o = {},
                            std::vector<http::Header> headers = {}) {
  Consent c;
  c.page = fh.run(app, fake::get(authorize_path(fh, client_id, o), std::move(headers)));
  REQUIRE(c.page.status == 200);
  for (const auto& sc : fake::set_cookies(c.page))
    if (sc.rfind("__Host-mcp-csrf=", 0) == 0) c.csrf_cookie = fake::cookie_pair(sc);
  REQUIRE(!c.csrf_cookie.empty());
  c.csrf = fake::hidden_field(c.page.body, "csrf");
  c.request = fake::hidden_field(c.page.body, "request");
  return c;
}

inline http::Response submit_consent(app::App& app, fake::FakeHost& fh, const std::string& request,
                                     const std::string& csrf, const std::string& action, const std::string& cookie) {
  const std::string form = "request=" + http::form_encode(request) + "&csrf=" + http::form_encode(csrf) +
                           "&action=" + http::form_encode(action);
  std::vector<http::Header> headers;
  if (!cookie.empty()) headers.push_back({"cookie", cookie});
  return fh.run(app, fake::post_form("/authorize", form, std::move(headers)));
}

// A 302 towards GitHub and what the browser keeps from it.
struct ToGitHub {
  http::Response response;
  std::string location;
  std::string state;         // the state GitHub is asked to echo
  std::string state_cookie;  // "__Host-mcp-github-state=…"
  std::string approvals_cookie;  // "__Host-mcp-approved=…" when set
};

inline ToGitHub read_to_github(http::Response r) {
  ToGitHub out;
  REQUIRE(r.status == 302);
  out.location = header_or_empty(r, "location");
  out.state = fake::query_value(out.location, "state");
  for (const auto& sc : fake::set_cookies(r)) {
    if (sc.rfind("__Host-mcp-github-state=", 0) == 0) out.state_cookie = fake::cookie_pair(sc);
    if (sc.rfind("__Host-mcp-approved=", 0) == 0) out.approvals_cookie = fake::cookie_pair(sc);
  }
  out.response = std::move(r);
  return out;
}

// Consent page, Approve, and the redirect to GitHub. `cookie` is sent along (approvals).
inline ToGitHub approve(app::App& app, fake::FakeHost& fh, const std::string& client_id, const AuthorizeOptions& o = {},
                        const std::string& cookie = "") {
  std::vector<http::Header> headers;
  if (!cookie.empty()) headers.push_back({"cookie", cookie});
  Consent c = open_consent(app, fh, client_id, o, headers);
  const std::string cookies = cookie.empty() ? c.csrf_cookie : c.csrf_cookie + "; " + cookie;
  return read_to_github(submit_consent(app, fh, c.request, c.csrf, "approve", cookies));
}

inline http::Response callback(app::App& app, fake::FakeHost& fh, const ToGitHub& g, const std::string& code = "ghcode") {
  return fh.run(app, fake::get("/callback?code=" + http::form_encode(code) + "&state=" + http::form_encode(g.state),
                               {{"cookie", g.state_cookie}}));
}

// The whole way to an authorization code (GitHub must be scripted).
inline std::string code_for(app::App& app, fake::FakeHost& fh, const std::string& client_id, const AuthorizeOptions& o = {}) {
  auto back = callback(app, fh, approve(app, fh, client_id, o));
  REQUIRE(back.status == 302);
  const std::string code = fake::query_value(header_or_empty(back, "location"), "code");
  REQUIRE(!code.empty());
  return code;
}

inline std::string code_form(const std::string& code, const std::string& redirect_uri = fake::test_redirect_uri,
                             const std::string& v = verifier) {
  return "grant_type=authorization_code&code=" + http::form_encode(code) + "&redirect_uri=" + http::form_encode(redirect_uri) +
         "&code_verifier=" + http::form_encode(v);
}

// POST /token for a public client.
inline http::Response exchange(app::App& app, fake::FakeHost& fh, const std::string& code, const std::string& client_id,
                               const std::string& redirect_uri = fake::test_redirect_uri, const std::string& v = verifier) {
  return fh.run(app, fake::post_form("/token", code_form(code, redirect_uri, v) + "&client_id=" + http::form_encode(client_id)));
}

}  // namespace flow
