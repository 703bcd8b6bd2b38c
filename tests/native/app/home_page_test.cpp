#include "app/home_page.hpp"

#include <catch2/catch.hpp>

#include "app/app.hpp"
#include "support/fake_host.hpp"
#include "support/oauth_flow.hpp"
#include "support/requests.hpp"
#include "support/sign_in.hpp"

TEST_CASE("the home page names the server's endpoints at its own origin and how to connect", "[app][home]") {
  app::App app(flow::test_config());
  fake::FakeHost fh;
  auto r = fh.run(app, fake::get("/"));
  REQUIRE(r.status == 200);
  REQUIRE(fake::header(r, "content-type")->rfind("text/html", 0) == 0);
  REQUIRE(*fake::header(r, "x-frame-options") == "DENY");
  REQUIRE(r.body.find("http://localhost:8788/mcp") != std::string::npos);
  REQUIRE(r.body.find("http://localhost:8788/sse") != std::string::npos);
  REQUIRE(r.body.find("mcp-remote") != std::string::npos);
  REQUIRE(fh.log.empty());  // no storage, no token needed
}

TEST_CASE("the home page escapes the origin it prints", "[app][home]") {
  const auto r = app::home_page("https://x.example/\"><script>");
  REQUIRE(r.body.find("<script>") == std::string::npos);
}
