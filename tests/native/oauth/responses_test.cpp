#include "oauth/responses.hpp"

#include <catch2/catch.hpp>

#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

using fake::body_json;
using flow::header_or_empty;
using json::Json;

TEST_CASE("JSON errors carry {error, error_description} with Cache-Control: no-store and Pragma: no-cache",
          "[oauth][responses]") {
  auto r = oauth::json_error(400, "invalid_grant", "The code expired");
  REQUIRE(r.status == 400);
  REQUIRE(header_or_empty(r, "content-type") == "application/json");
  REQUIRE(header_or_empty(r, "cache-control") == "no-store");
  REQUIRE(header_or_empty(r, "pragma") == "no-cache");
  REQUIRE(body_json(r) == Json{{"error", "invalid_grant"}, {"error_description", "The code expired"}});

  auto ok = oauth::no_store_json(201, Json{{"client_id", "x"}});
  REQUIRE(ok.status == 201);
  REQUIRE(header_or_empty(ok, "cache-control") == "no-store");

  // Invalid UTF-8 in a description never aborts the serialiser.
  auto odd = oauth::json_error(400, "invalid_request", "bad \xff byte");
  REQUIRE(odd.status == 400);
  REQUIRE(body_json(odd)["error"] == "invalid_request");
}

TEST_CASE("a host failure is 503 temporarily_unavailable with Retry-After", "[oauth][responses]") {
  auto r = oauth::unavailable();
  REQUIRE(r.status == 503);
  REQUIRE(body_json(r)["error"] == "temporarily_unavailable");
  REQUIRE(header_or_empty(r, "cache-control") == "no-store");
  REQUIRE_FALSE(header_or_empty(r, "retry-after").empty());
}

TEST_CASE("an error redirect appends encoded parameters and keeps the URI's own query", "[oauth][responses]") {
  auto r = oauth::redirect_with("https://app.example/cb", {{"error", "access_denied"}, {"state", "a b&c=d"}, {"iss", "http://localhost:8788"}});
  REQUIRE(r.status == 302);
  REQUIRE(header_or_empty(r, "location") ==
          "https://app.example/cb?error=access_denied&state=a%20b%26c%3Dd&iss=http%3A%2F%2Flocalhost%3A8788");
  REQUIRE(header_or_empty(r, "cache-control") == "no-store");
  auto kept = oauth::redirect_with("https://app.example/cb?tenant=7", {{"code", "x"}});
  REQUIRE(header_or_empty(kept, "location") == "https://app.example/cb?tenant=7&code=x");
  REQUIRE(r.body.empty());
}

TEST_CASE("an error redirect is built only after the redirect URI was validated: unknown clients get a page",
          "[oauth][responses][authorize]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, fake::get("/authorize?response_type=token&client_id=unknown&redirect_uri=" +
                                 http::form_encode("https://evil.example/cb") + "&state=x"));
  REQUIRE(r.status == 400);
  REQUIRE(fake::header(r, "location") == nullptr);
  REQUIRE(header_or_empty(r, "content-type").rfind("text/html", 0) == 0);
}

TEST_CASE("every page gets the security headers: CSP default-src 'none', no framing, nosniff, same-origin referrer, no-store",
          "[oauth][responses]") {
  for (const auto& r : {oauth::html_page(200, "T", "<p>x</p>"), oauth::error_page(400, "T", "m")}) {
    REQUIRE(header_or_empty(r, "content-type") == "text/html; charset=utf-8");
    const std::string csp = header_or_empty(r, "content-security-policy");
    REQUIRE(csp.find("default-src 'none'") != std::string::npos);
    REQUIRE(csp.find("style-src 'unsafe-inline'") != std::string::npos);
    REQUIRE(csp.find("frame-ancestors 'none'") != std::string::npos);
    REQUIRE(csp.find("script-src") == std::string::npos);
    // No form-action: it would block the redirect after the consent form in some browsers.
    REQUIRE(csp.find("form-action") == std::string::npos);
    REQUIRE(header_or_empty(r, "x-frame-options") == "DENY");
    REQUIRE(header_or_empty(r, "x-content-type-options") == "nosniff");
    // same-origin, not no-referrer: under no-referrer a browser posts the consent form with
    // `Origin: null`, which the Origin guard refuses (consent_page_browser.test.mjs shows it).
    REQUIRE(header_or_empty(r, "referrer-policy") == "same-origin");
    REQUIRE(header_or_empty(r, "cache-control") == "no-store");
    REQUIRE(r.body.rfind("<!doctype html>", 0) == 0);
  }
}

TEST_CASE("text placed in a page is escaped by the page builder", "[oauth][responses]") {
  auto e = oauth::error_page(400, "<b>Title</b>", "Message with <script>alert(1)</script> & \"quotes\"");
  REQUIRE(e.status == 400);
  REQUIRE(e.body.find("<script>") == std::string::npos);
  REQUIRE(e.body.find("<b>Title</b>") == std::string::npos);
  REQUIRE(e.body.find("&lt;b&gt;Title&lt;/b&gt;") != std::string::npos);
  REQUIRE(e.body.find("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;quotes&quot;") != std::string::npos);
  auto p = oauth::html_page(200, "</title><script>", "<p>trusted</p>");
  REQUIRE(p.body.find("<title>&lt;/title&gt;&lt;script&gt;</title>") != std::string::npos);
  REQUIRE(p.body.find("<p>trusted</p>") != std::string::npos);
}
