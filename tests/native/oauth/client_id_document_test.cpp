#include "oauth/client_id_document.hpp"

#include <catch2/catch.hpp>

#include "app/app.hpp"
#include "app/limits.hpp"
#include "http/form.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using json::Json;

namespace {

const std::string doc_url = "https://client.example/oauth/client.json";

Json document(std::string id = doc_url) {
  return Json{{"client_id", std::move(id)},
              {"client_name", "Document Client"},
              {"redirect_uris", Json::array({fake::test_redirect_uri})},
              {"token_endpoint_auth_method", "none"}};
}

// GitHub as usual, plus the document at doc_url.
void serve(fake::FakeHost& fh, const Json& doc, std::string cache_control = "max-age=600", std::uint16_t status = 200) {
  fake::script_github(fh);
  auto github = fh.on_fetch;
  const std::string body = json::dump(doc);
  fh.on_fetch = [github, body, cache_control, status](const host::FetchRequest& req) -> std::optional<host::FetchResponse> {
    if (req.url != doc_url) return github(req);
    host::FetchResponse r;
    r.status = status;
    r.headers = {{"content-type", "application/json"}, {"cache-control", cache_control}};
    r.body = body;
    return r;
  };
}

std::size_t fetches_of(const fake::FakeHost& fh, const std::string& url) {
  std::size_t n = 0;
  for (const auto& f : fh.fetched) n += f.url == url;
  return n;
}

}  // namespace

TEST_CASE("cimd: only https URLs with a path are document client ids", "[oauth][cimd]") {
  REQUIRE(oauth::is_client_id_url(doc_url));
  REQUIRE_FALSE(oauth::is_client_id_url("https://client.example/"));
  REQUIRE_FALSE(oauth::is_client_id_url("http://client.example/client.json"));
  REQUIRE_FALSE(oauth::is_client_id_url("AbCdEfGh12345678"));
}

TEST_CASE("cimd: SSRF guards refuse addresses, local names, ports, userinfo, fragments and dot segments", "[oauth][cimd]") {
  REQUIRE_FALSE(oauth::client_id_url_problem(doc_url));
  for (const char* bad : {"https://127.0.0.1/c.json", "https://10.0.0.1/c.json", "https://[::1]/c.json", "https://localhost/c.json",
                          "https://a.localhost/c.json", "https://printer.local/c.json", "https://db.internal/c.json",
                          "https://intranet/c.json", "https://client.example:8443/c.json", "https://u@client.example/c.json",
                          "https://client.example/c.json#x", "https://client.example/a/../c.json", "https://client.example/",
                          "http://client.example/c.json", "https://1.1.1.1.in-addr.arpa/c.json",
                          // Spellings URL parsers turn into addresses, and a trailing dot:
                          "https://0x7f.0.0.1/c.json", "https://127%2e0%2e0.1/c.json", "https://0x0a.0.0.1/c.json",
                          "https://2130706433/c.json", "https://localhost./c.json", "https://client.example./c.json",
                          "https://client..example/c.json", "https://cli_ent.example/c.json"}) {
    INFO(bad);
    REQUIRE(oauth::client_id_url_problem(bad));
  }
}

TEST_CASE("cimd: plain DNS names are accepted, IDN top-level labels too", "[oauth][cimd]") {
  for (const char* good : {"https://client.example/c.json", "https://a-b.c9.example.org/x/c.json", "https://app.xn--p1ai/c.json",
                           "https://CLIENT.Example/c.json"}) {
    INFO(good);
    REQUIRE_FALSE(oauth::client_id_url_problem(good));
  }
}

TEST_CASE("cimd: the metadata advertises client ID metadata documents", "[oauth][cimd][metadata]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, fake::get("/.well-known/oauth-authorization-server"));
  REQUIRE(fake::body_json(r)["client_id_metadata_document_supported"] == true);
}

TEST_CASE("cimd: a document client signs in without registering, as a public client", "[oauth][cimd]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  serve(fh, document());
  auto consent = flow::open_consent(app, fh, doc_url);
  REQUIRE(consent.page.body.find("Document Client") != std::string::npos);
  const auto code = flow::code_for(app, fh, doc_url);
  auto token = flow::exchange(app, fh, code, doc_url);
  REQUIRE(token.status == 200);
  fh.bearer = fake::body_json(token)["access_token"].get<std::string>();
  REQUIRE(fh.run(app, fake::mcp_post(fake::initialize_body())).status == 200);
  // Fetched once, then served from the KV cache for its max-age.
  REQUIRE(fetches_of(fh, doc_url) == 1);
  const auto cached = flow::keys_with_prefix(fh, "cimd:");
  REQUIRE(cached.size() == 1);
  REQUIRE(fh.kv.at(cached[0]).ttl_seconds == 600);
  // The request carried no credentials and asked for JSON.
  for (const auto& f : fh.fetched)
    if (f.url == doc_url) {
      REQUIRE(f.method == "GET");
      REQUIRE(f.timeout_ms == 5000);
    }
}

TEST_CASE("cimd: a document that is not acceptable makes an unknown client (an error page, no redirect)", "[oauth][cimd]") {
  struct Case {
    const char* why;
    Json doc;
    std::uint16_t status = 200;
  };
  Json secret_method = document();
  secret_method["token_endpoint_auth_method"] = "client_secret_basic";
  Json bad_uri = document();
  bad_uri["redirect_uris"] = Json::array({"javascript:alert(1)"});
  Json no_uris = document();
  no_uris.erase("redirect_uris");
  Json padded = document();
  padded["padding"] = std::string(6000, 'x');
  const std::vector<Case> cases = {{"another client_id", document("https://client.example/other.json")},
                                   {"a secret method", secret_method},
                                   {"a refused redirect URI", bad_uri},
                                   {"no redirect URIs", no_uris},
                                   {"over 5 KiB", padded},
                                   {"not 200", document(), 404}};
  for (const auto& c : cases) {
    INFO(c.why);
    app::App app(flow::test_config());
    fake::FakeHost fh;
    serve(fh, c.doc, "max-age=600", c.status);
    auto r = fh.run(app, fake::get(flow::authorize_path(fh, doc_url)));
    REQUIRE(r.status == 400);
    REQUIRE(fake::header(r, "location") == nullptr);
    REQUIRE(flow::keys_with_prefix(fh, "cimd:").empty());
  }
}

TEST_CASE("cimd: a private address is never fetched", "[oauth][cimd]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  fake::script_github(fh);
  auto r = fh.run(app, fake::get(flow::authorize_path(fh, "https://169.254.169.254/latest/meta-data")));
  REQUIRE(r.status == 400);
  REQUIRE(fh.fetched.empty());
}

TEST_CASE("cimd: no-store documents are fetched each time", "[oauth][cimd]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  serve(fh, document(), "no-store");
  REQUIRE(fh.run(app, fake::get(flow::authorize_path(fh, doc_url))).status == 200);
  REQUIRE(fh.run(app, fake::get(flow::authorize_path(fh, doc_url))).status == 200);
  REQUIRE(fetches_of(fh, doc_url) == 2);
  REQUIRE(flow::keys_with_prefix(fh, "cimd:").empty());
}

// The cache is an optimisation: a failure writing it must not fail the request that fetched the
// document (it used to answer 503).
TEST_CASE("cimd: a failure caching the document still serves the client, which is fetched again next time", "[oauth][cimd][faults]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  serve(fh, document());
  fh.fail_kinds = {host::OpKind::kv_put};
  REQUIRE(fh.run(app, fake::get(flow::authorize_path(fh, doc_url))).status == 200);
  fh.fail_kinds.clear();
  REQUIRE(flow::keys_with_prefix(fh, "cimd:").empty());
  REQUIRE(fh.run(app, fake::get(flow::authorize_path(fh, doc_url))).status == 200);
  REQUIRE(fetches_of(fh, doc_url) == 2);
  REQUIRE(flow::keys_with_prefix(fh, "cimd:").size() == 1);
}

// limits.hpp client_id_document_timeout_ms and fetch_timeout_ms: what each outbound request is
// given (the shim aborts it then: AbortSignal.timeout).
TEST_CASE("cimd: a metadata document is fetched with a 5 s timeout, GitHub with 10 s", "[oauth][cimd][limits]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  serve(fh, document());
  REQUIRE(fh.run(app, fake::get(flow::authorize_path(fh, doc_url))).status == 200);
  REQUIRE(fh.fetched.size() == 1);
  REQUIRE(fh.fetched[0].timeout_ms == app::client_id_document_timeout_ms);
  flow::code_for(app, fh, doc_url);
  REQUIRE(fh.fetched.size() == 3);  // + GitHub's token exchange and /user
  REQUIRE(fh.fetched[1].timeout_ms == app::fetch_timeout_ms);
  REQUIRE(fh.fetched[2].timeout_ms == app::fetch_timeout_ms);
}
