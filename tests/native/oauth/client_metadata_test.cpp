#include "oauth/client_metadata.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {

using json::Json;

Json minimal() { return Json{{"redirect_uris", Json::array({"https://a.example/cb"})}}; }

Json with(Json body, const std::string& key, Json value) {
  body[key] = std::move(value);
  return body;
}

// The error of a refused body; fails the test when it was accepted.
oauth::MetadataError refused(const Json& body) {
  auto r = oauth::parse_client_metadata(body);
  REQUIRE_FALSE(r.ok());
  return r.error();
}

bool description_safe(const std::string& s) {
  for (const char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') return false;
  }
  return true;
}

}  // namespace

TEST_CASE("minimal registration gets the defaults", "[oauth][client_metadata]") {
  auto r = oauth::parse_client_metadata(minimal());
  REQUIRE(r.ok());
  REQUIRE(r->redirect_uris == std::vector<std::string>{"https://a.example/cb"});
  REQUIRE(r->grant_types == std::vector<std::string>{"authorization_code", "refresh_token"});
  REQUIRE(r->response_types == std::vector<std::string>{"code"});
  REQUIRE(r->token_endpoint_auth_method == "client_secret_basic");
  REQUIRE_FALSE(r->auth_method_explicit);
  REQUIRE(r->client_name.empty());
  REQUIRE(r->client_uri.empty());
  REQUIRE(r->contacts.empty());
  REQUIRE(r->scope.empty());
}

TEST_CASE("a full registration as MCP clients send it", "[oauth][client_metadata]") {
  auto parsed = json::parse(R"({
    "redirect_uris": ["http://localhost:6274/oauth/callback", "cursor://anysphere.cursor-retrieval/oauth/user-x/callback"],
    "client_name": "MCP Inspector",
    "client_uri": "https://github.com/modelcontextprotocol/inspector",
    "logo_uri": "https://example.com/logo.png",
    "policy_uri": "https://example.com/privacy#data",
    "tos_uri": "http://127.0.0.1:3000/tos",
    "contacts": ["dev@example.com"],
    "grant_types": ["authorization_code", "refresh_token"],
    "response_types": ["code"],
    "token_endpoint_auth_method": "none",
    "scope": "openid email profile",
    "software_id": "unknown-extra-field",
    "jwks": {"keys": []}
  })");
  REQUIRE(parsed.value);
  auto r = oauth::parse_client_metadata(*parsed.value);
  REQUIRE(r.ok());
  REQUIRE(r->redirect_uris.size() == 2);
  REQUIRE(r->redirect_uris[1] == "cursor://anysphere.cursor-retrieval/oauth/user-x/callback");
  REQUIRE(r->client_name == "MCP Inspector");
  REQUIRE(r->client_uri == "https://github.com/modelcontextprotocol/inspector");
  REQUIRE(r->logo_uri == "https://example.com/logo.png");
  REQUIRE(r->policy_uri == "https://example.com/privacy#data");
  REQUIRE(r->tos_uri == "http://127.0.0.1:3000/tos");
  REQUIRE(r->contacts == std::vector<std::string>{"dev@example.com"});
  REQUIRE(r->token_endpoint_auth_method == "none");
  REQUIRE(r->auth_method_explicit);
  REQUIRE(r->scope == "openid email profile");
}

TEST_CASE("registration body must be an object", "[oauth][client_metadata]") {
  for (const Json& body : {Json(nullptr), Json::array({minimal()}), Json("x"), Json(1)}) {
    auto e = refused(body);
    REQUIRE(e.error == "invalid_client_metadata");
  }
}

TEST_CASE("redirect_uris: presence, type, count", "[oauth][client_metadata]") {
  auto missing = refused(Json::object());
  REQUIRE(missing.error == "invalid_redirect_uri");
  REQUIRE(missing.description == "redirect_uris is required and must not be empty");
  REQUIRE(refused(Json{{"redirect_uris", nullptr}}).error == "invalid_redirect_uri");
  REQUIRE(refused(Json{{"redirect_uris", Json::array()}}).error == "invalid_redirect_uri");

  auto not_array = refused(Json{{"redirect_uris", "https://a.example/cb"}});
  REQUIRE(not_array.error == "invalid_client_metadata");
  REQUIRE(not_array.description == "redirect_uris must be an array of strings");
  auto not_string = refused(Json{{"redirect_uris", Json::array({"https://a.example/cb", 7})}});
  REQUIRE(not_string.error == "invalid_client_metadata");
  REQUIRE(not_string.description == "redirect_uris[1] must be a string");

  Json many = Json::array();
  for (int i = 0; i < 20; ++i) many.push_back("https://a.example/cb" + std::to_string(i));
  REQUIRE(oauth::parse_client_metadata(Json{{"redirect_uris", many}}).ok());
  many.push_back("https://a.example/cb20");
  auto too_many = refused(Json{{"redirect_uris", many}});
  REQUIRE(too_many.error == "invalid_redirect_uri");
  REQUIRE(too_many.description == "redirect_uris lists more than 20 URIs");
}

TEST_CASE("redirect_uris: each URI is checked", "[oauth][client_metadata]") {
  auto js = refused(Json{{"redirect_uris", Json::array({"https://a.example/cb", "JAVASCRIPT:alert(1)"})}});
  REQUIRE(js.error == "invalid_redirect_uri");
  REQUIRE(js.description == "redirect_uris[1] 'JAVASCRIPT:alert(1)' uses the refused scheme 'javascript'");
  for (const char* bad : {" javascript:x", "java\tscript:x", "https://a@evil.example/cb", "https://a.example/cb#frag",
                          "http://evil.example/cb", "data:text/html,x", "https:///cb", ""}) {
    auto e = refused(Json{{"redirect_uris", Json::array({bad})}});
    INFO(bad << " -> " << e.description);
    REQUIRE(e.error == "invalid_redirect_uri");
    REQUIRE(description_safe(e.description));
  }
  for (const char* ok : {"http://127.0.0.1:3000/cb", "http://[::1]/cb", "https://x/",
                         "cursor://anysphere.cursor-retrieval/oauth/user-x/callback", "com.example.app:/cb"})
    REQUIRE(oauth::parse_client_metadata(Json{{"redirect_uris", Json::array({ok})}}).ok());
}

TEST_CASE("descriptions never echo huge or unsafe values", "[oauth][client_metadata]") {
  const std::string huge = "https://a.example/" + std::string(5000, 'a') + "#frag";
  auto e = refused(Json{{"redirect_uris", Json::array({huge})}});
  REQUIRE(e.error == "invalid_redirect_uri");
  REQUIRE(e.description.size() < 200);
  REQUIRE(e.description.find("longer than 2048") != std::string::npos);
  REQUIRE(e.description.find("...") != std::string::npos);

  auto quoted = refused(Json{{"redirect_uris", Json::array({"https://a.example/\"\\\n<x>"})}});
  INFO(quoted.description);
  REQUIRE(description_safe(quoted.description));
  REQUIRE(quoted.description.find("'https://a.example/??\?<x>'") != std::string::npos);

  auto unicode = refused(with(minimal(), "token_endpoint_auth_method", "caf\xC3\xA9"));
  REQUIRE(description_safe(unicode.description));
}

TEST_CASE("wrong JSON types name the field", "[oauth][client_metadata]") {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"client_name", "client_name must be a string"},
      {"client_uri", "client_uri must be a string"},
      {"logo_uri", "logo_uri must be a string"},
      {"policy_uri", "policy_uri must be a string"},
      {"tos_uri", "tos_uri must be a string"},
      {"token_endpoint_auth_method", "token_endpoint_auth_method must be a string"},
      {"scope", "scope must be a string"},
      {"contacts", "contacts must be an array of strings"},
      {"grant_types", "grant_types must be an array of strings"},
      {"response_types", "response_types must be an array of strings"},
  };
  for (const auto& [field, description] : cases) {
    for (const Json& wrong : {Json(1), Json(true), Json::object(), Json(2.5)}) {
      auto e = refused(with(minimal(), field, wrong));
      INFO(field);
      REQUIRE(e.error == "invalid_client_metadata");
      REQUIRE(e.description == description);
    }
  }
  REQUIRE(refused(with(minimal(), "client_name", Json::array({"x"}))).description == "client_name must be a string");
  REQUIRE(refused(with(minimal(), "contacts", "a@example.com")).description == "contacts must be an array of strings");
  REQUIRE(refused(with(minimal(), "contacts", Json::array({"a", nullptr}))).description == "contacts[1] must be a string");
  REQUIRE(refused(with(minimal(), "grant_types", Json::array({1}))).description == "grant_types[0] must be a string");
}

TEST_CASE("null and empty optional fields count as absent", "[oauth][client_metadata]") {
  Json body = minimal();
  for (const char* field : {"client_name", "client_uri", "logo_uri", "policy_uri", "tos_uri", "contacts", "grant_types",
                            "response_types", "token_endpoint_auth_method", "scope"})
    body[field] = nullptr;
  auto r = oauth::parse_client_metadata(body);
  REQUIRE(r.ok());
  REQUIRE(r->grant_types == std::vector<std::string>{"authorization_code", "refresh_token"});
  REQUIRE(r->token_endpoint_auth_method == "client_secret_basic");
  REQUIRE_FALSE(r->auth_method_explicit);

  Json empty = minimal();
  for (const char* field : {"client_uri", "logo_uri", "policy_uri", "tos_uri", "scope", "client_name"}) empty[field] = "";
  REQUIRE(oauth::parse_client_metadata(empty).ok());
}

TEST_CASE("client_name and contacts limits", "[oauth][client_metadata]") {
  REQUIRE(oauth::parse_client_metadata(with(minimal(), "client_name", std::string(256, 'n'))).ok());
  REQUIRE(refused(with(minimal(), "client_name", std::string(257, 'n'))).description ==
          "client_name is longer than 256 characters");
  REQUIRE(refused(with(minimal(), "client_name", "Good App\nApprove this")).description ==
          "client_name contains control characters");
  REQUIRE(oauth::parse_client_metadata(with(minimal(), "client_name", "<script>alert(1)</script>")).ok());  // escaped at display

  Json ten = Json::array();
  for (int i = 0; i < 10; ++i) ten.push_back("c" + std::to_string(i) + "@example.com");
  REQUIRE(oauth::parse_client_metadata(with(minimal(), "contacts", ten)).ok());
  ten.push_back("x@example.com");
  REQUIRE(refused(with(minimal(), "contacts", ten)).description == "contacts lists more than 10 entries");
  REQUIRE(refused(with(minimal(), "contacts", Json::array({std::string(257, 'c')}))).description ==
          "contacts[0] is longer than 256 characters");
  REQUIRE(refused(with(minimal(), "contacts", Json::array({"a\tb"}))).description == "contacts[0] contains control characters");
}

TEST_CASE("client URIs must be https or loopback http", "[oauth][client_metadata]") {
  for (const char* field : {"client_uri", "logo_uri", "policy_uri", "tos_uri"}) {
    INFO(field);
    REQUIRE(oauth::parse_client_metadata(with(minimal(), field, "https://a.example/x")).ok());
    auto js = refused(with(minimal(), field, "javascript:alert(1)"));
    REQUIRE(js.error == "invalid_client_metadata");
    REQUIRE(js.description == std::string(field) + " 'javascript:alert(1)' uses the refused scheme 'javascript'");
    REQUIRE(refused(with(minimal(), field, "http://evil.example/")).error == "invalid_client_metadata");
    REQUIRE(refused(with(minimal(), field, "cursor://x/")).error == "invalid_client_metadata");
    REQUIRE(refused(with(minimal(), field, "https://u@a.example/")).error == "invalid_client_metadata");
    REQUIRE(refused(with(minimal(), field, "not a url")).error == "invalid_client_metadata");
    auto longer = refused(with(minimal(), field, "https://a.example/" + std::string(3000, 'x')));
    REQUIRE(longer.description == std::string(field) + " is longer than 2048 characters");
  }
}

TEST_CASE("grant_types and response_types", "[oauth][client_metadata]") {
  auto code_only = oauth::parse_client_metadata(with(minimal(), "grant_types", Json::array({"authorization_code"})));
  REQUIRE(code_only.ok());
  REQUIRE(code_only->grant_types == std::vector<std::string>{"authorization_code"});

  auto implicit = refused(with(minimal(), "grant_types", Json::array({"authorization_code", "implicit"})));
  REQUIRE(implicit.error == "invalid_client_metadata");
  REQUIRE(implicit.description == "grant_types: 'implicit' is not supported");
  REQUIRE(refused(with(minimal(), "grant_types", Json::array({"client_credentials"}))).description ==
          "grant_types: 'client_credentials' is not supported");
  REQUIRE(refused(with(minimal(), "grant_types", Json::array({"refresh_token"}))).description ==
          "grant_types must include authorization_code");
  REQUIRE(refused(with(minimal(), "grant_types", Json::array())).description ==
          "grant_types must include authorization_code");

  REQUIRE(refused(with(minimal(), "response_types", Json::array({"token"}))).description ==
          "response_types: 'token' is not supported");
  REQUIRE(refused(with(minimal(), "response_types", Json::array({"code", "id_token"}))).error ==
          "invalid_client_metadata");
  REQUIRE(refused(with(minimal(), "response_types", Json::array())).description == "response_types must include code");
  REQUIRE(oauth::parse_client_metadata(with(minimal(), "response_types", Json::array({"code"}))).ok());
}

TEST_CASE("token_endpoint_auth_method", "[oauth][client_metadata]") {
  for (const char* method : {"client_secret_basic", "client_secret_post", "none"}) {
    auto r = oauth::parse_client_metadata(with(minimal(), "token_endpoint_auth_method", method));
    REQUIRE(r.ok());
    REQUIRE(r->token_endpoint_auth_method == method);
    REQUIRE(r->auth_method_explicit);
  }
  for (const char* method : {"private_key_jwt", "client_secret_jwt", "", "NONE"}) {
    auto e = refused(with(minimal(), "token_endpoint_auth_method", method));
    REQUIRE(e.error == "invalid_client_metadata");
    REQUIRE(e.description == "token_endpoint_auth_method '" + std::string(method) + "' is not supported");
  }
}

TEST_CASE("scope strings", "[oauth][client_metadata]") {
  for (const char* ok : {"openid email profile", "mcp", "read:user repo", "https://api.example/x!#$"}) {
    auto r = oauth::parse_client_metadata(with(minimal(), "scope", ok));
    REQUIRE(r.ok());
    REQUIRE(r->scope == ok);
  }
  for (const char* bad : {" openid", "openid ", "openid  email", "a\"b", "a\\b", "a\tb", "caf\xC3\xA9"}) {
    auto e = refused(with(minimal(), "scope", bad));
    INFO(bad);
    REQUIRE(e.error == "invalid_client_metadata");
    REQUIRE(description_safe(e.description));
  }
  REQUIRE(refused(with(minimal(), "scope", std::string(2049, 's'))).description == "scope is longer than 2048 characters");
  REQUIRE(oauth::is_valid_scope("a"));
  REQUIRE_FALSE(oauth::is_valid_scope(""));
  REQUIRE_FALSE(oauth::is_valid_scope(" "));
}

TEST_CASE("the first problem is the one reported", "[oauth][client_metadata]") {
  Json body = minimal();
  body["redirect_uris"] = Json::array({"http://evil.example/cb"});
  body["grant_types"] = Json::array({"implicit"});
  REQUIRE(refused(body).error == "invalid_redirect_uri");
}
