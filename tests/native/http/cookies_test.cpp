#include "http/cookies.hpp"

#include <catch2/catch.hpp>

#include <string>

namespace {
std::optional<std::string> value_in(const std::string& header, std::string_view name) {
  return http::cookie_value(&header, name);
}
}  // namespace

TEST_CASE("cookie_value finds a cookie by exact name", "[http][cookies]") {
  REQUIRE(*value_in("a=1; b=2", "a") == "1");
  REQUIRE(*value_in("a=1; b=2", "b") == "2");
  REQUIRE(*value_in("a=1;b=2", "b") == "2");
  REQUIRE(*value_in("  a = 1 ;\tb=2  ", "a") == "1");
  REQUIRE(*value_in("  a = 1 ;\tb=2  ", "b") == "2");
  REQUIRE_FALSE(value_in("a=1; b=2", "c"));
  REQUIRE_FALSE(value_in("a=1; b=2", "A"));  // case-sensitive
  REQUIRE_FALSE(value_in("", "a"));
  REQUIRE_FALSE(http::cookie_value(nullptr, "a"));
  REQUIRE_FALSE(value_in("a=1", ""));
}

TEST_CASE("cookie names that share a prefix do not match", "[http][cookies]") {
  REQUIRE(*value_in("a_b=1; a=2", "a") == "2");
  REQUIRE(*value_in("a=2; a_b=1", "a_b") == "1");
  REQUIRE_FALSE(value_in("a_b=1; ba=2", "a"));
  REQUIRE_FALSE(value_in("__Host-state=1", "state"));
  REQUIRE_FALSE(value_in("x=a=1", "a"));  // '=' inside a value is not a name
  REQUIRE(*value_in("x=a=1", "x") == "a=1");
}

TEST_CASE("cookie values: quotes, empties, first wins", "[http][cookies]") {
  REQUIRE(*value_in("a=\"quoted\"", "a") == "quoted");
  REQUIRE(*value_in("a=\"\"", "a") == "");
  REQUIRE(*value_in("a=\"", "a") == "\"");  // a lone quote is not a quoted value
  REQUIRE(*value_in("a=", "a") == "");
  REQUIRE(*value_in("a=1; a=2", "a") == "1");
  REQUIRE(*value_in("junk; a=1", "a") == "1");  // a pair without '=' is ignored
  REQUIRE_FALSE(value_in("a; b=1", "a"));
  REQUIRE(*value_in(";;; a=1 ;;", "a") == "1");
  REQUIRE(*value_in("a=%41", "a") == "%41");  // not percent-decoded
  REQUIRE(*value_in("t=eyJhbGciOi.x-y_z", "t") == "eyJhbGciOi.x-y_z");
}

TEST_CASE("host_cookie writes a __Host- cookie", "[http][cookies]") {
  REQUIRE(http::host_cookie("__Host-state", "abc") == "__Host-state=abc; Path=/; Secure; HttpOnly; SameSite=Lax");
  http::CookieOptions keep;
  keep.max_age_seconds = 600;
  keep.same_site = "Strict";
  REQUIRE(http::host_cookie("__Host-s", "v", keep) == "__Host-s=v; Max-Age=600; Path=/; Secure; HttpOnly; SameSite=Strict");
  http::CookieOptions del;
  del.max_age_seconds = 0;
  del.http_only = false;
  del.same_site = "None";
  const std::string deleted = http::host_cookie("__Host-s", "", del);
  REQUIRE(deleted == "__Host-s=; Max-Age=0; Path=/; Secure; SameSite=None");
  REQUIRE(deleted.find("Domain") == std::string::npos);
}

TEST_CASE("is_cookie_value is RFC 6265 cookie-octets", "[http][cookies]") {
  REQUIRE(http::is_cookie_value(""));
  REQUIRE(http::is_cookie_value("abcXYZ019-_.~!#$%&'()*+/:<=>?@[]^`{|}"));
  for (const char* bad : {" ", "a b", "a;b", "a,b", "a\"b", "a\\b", "a\tb", "a\x7F", "\xC3\xA9", "a\r\nSet-Cookie: x"})
    REQUIRE_FALSE(http::is_cookie_value(bad));
}
