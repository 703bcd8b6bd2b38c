#include "http/html.hpp"

#include <catch2/catch.hpp>

#include <string>

TEST_CASE("html_escape escapes the five markup characters", "[http][html]") {
  REQUIRE(http::html_escape("<script>alert(1)</script>") == "&lt;script&gt;alert(1)&lt;/script&gt;");
  REQUIRE(http::html_escape("a & b") == "a &amp; b");
  REQUIRE(http::html_escape("\"onmouseover=x") == "&quot;onmouseover=x");
  REQUIRE(http::html_escape("' onclick='x'") == "&#39; onclick=&#39;x&#39;");
  REQUIRE(http::html_escape("&amp;") == "&amp;amp;");  // not double-unescaped: escaped again
  REQUIRE(http::html_escape("") == "");
  REQUIRE(http::html_escape("plain text, 100% ok") == "plain text, 100% ok");
  const std::string attack = "\"><img src=x onerror=alert(document.cookie)>";
  const std::string escaped = http::html_escape(attack);
  REQUIRE(escaped.find_first_of("<>\"'") == std::string::npos);
}

TEST_CASE("html_escape keeps valid UTF-8 and replaces invalid bytes", "[http][html]") {
  REQUIRE(http::html_escape("caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xE2\x9C\x93 \xF0\x9F\x98\x80");
  REQUIRE(http::html_escape("a\xFF<") == "a\xEF\xBF\xBD&lt;");
  // A truncated sequence is one maximal subpart: one U+FFFD, and the '<' after it is still escaped.
  REQUIRE(http::html_escape("\xE2\x82<") == "\xEF\xBF\xBD&lt;");
  // Overlong '<' (C0 BC) must not come out as '<'.
  REQUIRE(http::html_escape("\xC0\xBC") == "\xEF\xBF\xBD\xEF\xBF\xBD");
  // NUL and other controls pass through as text.
  REQUIRE(http::html_escape(std::string("a\0b", 3)) == std::string("a\0b", 3));
}

TEST_CASE("is_valid_utf8 follows Unicode Table 3-7", "[http][html]") {
  for (const char* ok : {"", "ascii", "\xC3\xA9", "\xE0\xA0\x80", "\xED\x9F\xBF", "\xEF\xBF\xBF", "\xF0\x90\x80\x80",
                         "\xF4\x8F\xBF\xBF"})
    REQUIRE(http::is_valid_utf8(ok));
  for (const char* bad : {"\x80", "\xC0\xAF", "\xC1\xBF", "\xC3", "\xE0\x80\x80", "\xED\xA0\x80", "\xF0\x80\x80\x80",
                          "\xF4\x90\x80\x80", "\xF5\x80\x80\x80", "\xFF", "a\xC3(b"})
    REQUIRE_FALSE(http::is_valid_utf8(bad));
}

TEST_CASE("scrub_utf8 replaces maximal subparts", "[http][html]") {
  REQUIRE(http::scrub_utf8("ok \xC3\xA9") == "ok \xC3\xA9");
  // Unicode §3.9 example: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b FFFD c FFFD FFFD d
  const std::string r = "\xEF\xBF\xBD";
  REQUIRE(http::scrub_utf8("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64") ==
          "a" + r + r + r + "b" + r + "c" + r + r + "d");
  REQUIRE(http::scrub_utf8("\xED\xA0\x80") == r + r + r);  // surrogate: each byte
  REQUIRE(http::is_valid_utf8(http::scrub_utf8("\xF4\x90\xFF\xC3")));
}
