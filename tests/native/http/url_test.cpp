#include "http/url.hpp"

#include <catch2/catch.hpp>

TEST_CASE("split_url gives origin, path and query", "[http][url]") {
  auto u = http::split_url("https://Example.COM:8443/sse/message?sessionId=abc#frag");
  REQUIRE(u);
  REQUIRE(u->origin() == "https://example.com:8443");
  REQUIRE(u->path == "/sse/message");
  REQUIRE(u->query == "sessionId=abc");
  REQUIRE(http::split_url("http://h")->path == "/");
  REQUIRE(http::split_url("http://h?x=1")->query == "x=1");
  REQUIRE_FALSE(http::split_url("/relative"));
  REQUIRE_FALSE(http::split_url("http:///nohost"));
}

TEST_CASE("query parameters are percent-decoded", "[http][url]") {
  REQUIRE(*http::query_param("a=1&b=x%20y+z&c", "b") == "x y z");
  REQUIRE(*http::query_param("a=1&c", "c") == "");
  REQUIRE_FALSE(http::query_param("a=1", "b"));
  REQUIRE_FALSE(http::query_param("a=%zz", "a"));
  REQUIRE_FALSE(http::query_param("a=%4", "a"));
  REQUIRE(*http::query_param("a%62=2", "ab") == "2");
}

TEST_CASE("hosts and loopback", "[http][url]") {
  REQUIRE(http::host_of_authority("Example.com:80") == "example.com");
  REQUIRE(http::host_of_authority("[::1]:8788") == "::1");
  REQUIRE(http::host_of_authority("user@h:1") == "h");
  REQUIRE(http::is_loopback_host("127.255.0.1"));
  REQUIRE(http::is_loopback_host("a.localhost"));
  REQUIRE_FALSE(http::is_loopback_host("127.0.0"));
  REQUIRE_FALSE(http::is_loopback_host("127.0.0.1234"));
  REQUIRE_FALSE(http::is_loopback_host("127.0.0.1.nip.io"));
  REQUIRE_FALSE(http::is_loopback_host("localhost.example"));
  REQUIRE_FALSE(http::is_loopback_host(""));
}
