// The whole sign-in, natively: register a client, consent, GitHub (scripted on the FakeHost),
// callback, token. Every native test that needs a token gets it this way: there is no back door.
#pragma once

#include <string>
#include <vector>

#include "app/app.hpp"
#include "http/message.hpp"
#include "support/fake_host.hpp"

namespace fake {

inline constexpr const char* test_redirect_uri = "http://127.0.0.1:9999/callback";

struct GitHubUser {
  std::string login = "octocat";
  long long id = 583231;
  std::string name = "The Octocat";
};

// Answers the worker's GitHub requests like GitHub: /access_token and /user.
void script_github(FakeHost& host, GitHubUser user = {});

struct SignedIn {
  std::string client_id;
  std::string access_token;
  std::string refresh_token;
  std::string code;  // the authorization code that was redeemed
};

SignedIn sign_in(app::App& app, FakeHost& host, GitHubUser user = {});
// sign_in, then make `host` carry the token on every request, with a clean operation log.
SignedIn sign_in_as_bearer(app::App& app, FakeHost& host);

// Helpers for walking pages.
std::vector<std::string> set_cookies(const http::Response& r);
// "name=value" of a Set-Cookie value, for a Cookie header.
std::string cookie_pair(const std::string& set_cookie);
std::string hidden_field(const std::string& html, const std::string& name);
std::string query_value(const std::string& url, const std::string& name);
std::string pkce_challenge(FakeHost& host, const std::string& verifier);
http::Request get(const std::string& path_and_query, std::vector<http::Header> headers = {});
http::Request post_form(const std::string& path, const std::string& body, std::vector<http::Header> headers = {});
http::Request post_json(const std::string& path, const std::string& body);

}  // namespace fake
