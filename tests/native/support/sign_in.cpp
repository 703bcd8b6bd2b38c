#include "support/sign_in.hpp"

#include <catch2/catch.hpp>

#include "base/bytes.hpp"
#include "http/form.hpp"
#include "http/url.hpp"
#include "support/requests.hpp"

namespace fake {

namespace {
const std::string verifier = "test-verifier-0123456789-0123456789-0123456789";

std::string header_of(const http::Response& r, const std::string& name) {
  const std::string* h = header(r, name);
  return h ? *h : std::string();
}
}  // namespace

http::Request get(const std::string& path_and_query, std::vector<http::Header> headers) {
  http::Request r;
  r.method = "GET";
  r.url = std::string(origin) + path_and_query;
  r.headers = {{"host", "localhost:8788"}};
  for (auto& h : headers) r.headers.push_back(std::move(h));
  return r;
}

http::Request post_form(const std::string& path, const std::string& body, std::vector<http::Header> headers) {
  http::Request r = get(path, std::move(headers));
  r.method = "POST";
  r.headers.push_back({"content-type", "application/x-www-form-urlencoded"});
  r.body = body;
  return r;
}

http::Request post_json(const std::string& path, const std::string& body) {
  http::Request r = get(path);
  r.method = "POST";
  r.headers.push_back({"content-type", "application/json"});
  r.body = body;
  return r;
}

std::vector<std::string> set_cookies(const http::Response& r) {
  std::vector<std::string> out;
  for (const auto& h : r.headers)
    if (h.first == "set-cookie") out.push_back(h.second);
  return out;
}

std::string cookie_pair(const std::string& set_cookie) { return set_cookie.substr(0, set_cookie.find(';')); }

std::string hidden_field(const std::string& html, const std::string& name) {
  const std::string marker = "name=\"" + name + "\" value=\"";
  const auto at = html.find(marker);
  if (at == std::string::npos) return {};
  const auto start = at + marker.size();
  std::string raw = html.substr(start, html.find('"', start) - start);
  // Undo html_escape for the characters a signed value or token can hold.
  std::string out;
  for (std::size_t i = 0; i < raw.size(); ++i) {
    if (raw.compare(i, 5, "&amp;") == 0) { out += '&'; i += 4; }
    else out += raw[i];
  }
  return out;
}

std::string query_value(const std::string& url, const std::string& name) {
  auto parts = http::split_url(url);
  if (!parts) return {};
  auto v = http::query_param(parts->query, name);
  return v ? *v : std::string();
}

std::string pkce_challenge(FakeHost& host, const std::string& v) {
  return base::base64url_encode(host.perform(host::op_sha256(v)).bytes);
}

void script_github(FakeHost& host, GitHubUser user) {
  host.on_fetch = [user](const host::FetchRequest& req) -> std::optional<host::FetchResponse> {
    host::FetchResponse r;
    r.status = 200;
    r.headers = {{"content-type", "application/json"}};
    if (req.url.find("/access_token") != std::string::npos) {
      r.body = R"({"access_token":"gho_testtoken","token_type":"bearer","scope":"read:user"})";
    } else if (req.url.find("/user") != std::string::npos) {
      r.body = json::dump(json::Json{{"login", user.login}, {"id", user.id}, {"name", user.name}, {"email", nullptr}});
    } else {
      return std::nullopt;
    }
    return r;
  };
}

SignedIn sign_in(app::App& app, FakeHost& host, GitHubUser user) {
  script_github(host, user);
  SignedIn out;
  auto reg = host.run(app, post_json("/register", std::string(R"({"redirect_uris":[")") + test_redirect_uri +
                                                     R"("],"token_endpoint_auth_method":"none","client_name":"Native tests"})"));
  REQUIRE(reg.status == 201);
  out.client_id = body_json(reg)["client_id"].get<std::string>();

  const std::string authorize = "/authorize?response_type=code&client_id=" + out.client_id +
                                "&redirect_uri=" + http::form_encode(test_redirect_uri) +
                                "&state=st4te&code_challenge=" + pkce_challenge(host, verifier) +
                                "&code_challenge_method=S256";
  auto consent = host.run(app, get(authorize));
  REQUIRE(consent.status == 200);
  const auto consent_cookies = set_cookies(consent);
  REQUIRE(consent_cookies.size() == 1);
  const std::string form = "request=" + http::form_encode(hidden_field(consent.body, "request")) +
                           "&csrf=" + http::form_encode(hidden_field(consent.body, "csrf")) + "&action=approve";
  auto to_github = host.run(app, post_form("/authorize", form, {{"cookie", cookie_pair(consent_cookies[0])}}));
  REQUIRE(to_github.status == 302);
  const std::string location = header_of(to_github, "location");
  REQUIRE(location.rfind("https://github.com/login/oauth/authorize?", 0) == 0);
  std::string state_cookie;
  for (const auto& c : set_cookies(to_github))
    if (c.rfind("__Host-mcp-github-state=", 0) == 0) state_cookie = cookie_pair(c);
  REQUIRE(!state_cookie.empty());

  auto back = host.run(app, get("/callback?code=ghcode&state=" + query_value(location, "state"), {{"cookie", state_cookie}}));
  REQUIRE(back.status == 302);
  const std::string client_redirect = header_of(back, "location");
  REQUIRE(client_redirect.rfind(test_redirect_uri, 0) == 0);
  REQUIRE(query_value(client_redirect, "state") == "st4te");
  REQUIRE(query_value(client_redirect, "iss") == origin);
  out.code = query_value(client_redirect, "code");

  auto token = host.run(app, post_form("/token", "grant_type=authorization_code&code=" + http::form_encode(out.code) +
                                                     "&redirect_uri=" + http::form_encode(test_redirect_uri) +
                                                     "&code_verifier=" + verifier + "&client_id=" + out.client_id));
  REQUIRE(token.status == 200);
  const auto body = body_json(token);
  out.access_token = body["access_token"].get<std::string>();
  out.refresh_token = body["refresh_token"].get<std::string>();
  return out;
}

SignedIn sign_in_as_bearer(app::App& app, FakeHost& host) {
  auto s = sign_in(app, host);
  host.bearer = s.access_token;
  host.log.clear();
  host.batch_sizes.clear();
  return s;
}

}  // namespace fake
