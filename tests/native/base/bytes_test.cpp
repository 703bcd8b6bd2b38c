#include "base/bytes.hpp"

#include <catch2/catch.hpp>

TEST_CASE("base64url round-trips and matches RFC 4648 vectors", "[base][bytes]") {
  REQUIRE(base::base64url_encode("") == "");
  REQUIRE(base::base64url_encode("f") == "Zg");
  REQUIRE(base::base64url_encode("fo") == "Zm8");
  REQUIRE(base::base64url_encode("foo") == "Zm9v");
  REQUIRE(base::base64url_encode("foobar") == "Zm9vYmFy");
  REQUIRE(base::base64url_encode("\xfb\xff") == "-_8");
  for (std::size_t n = 0; n < 40; ++n) {
    std::string s;
    for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>(i * 37 + n));
    REQUIRE(*base::base64url_decode(base::base64url_encode(s)) == s);
  }
}

TEST_CASE("base64url refuses non-canonical text", "[base][bytes]") {
  REQUIRE_FALSE(base::base64url_decode("Zg=="));
  REQUIRE_FALSE(base::base64url_decode("Z"));
  REQUIRE_FALSE(base::base64url_decode("Zh"));  // non-zero leftover bits
  REQUIRE_FALSE(base::base64url_decode("Zm+v"));
  REQUIRE_FALSE(base::base64url_decode("Zm 9"));
}

TEST_CASE("hex and constant-time comparison", "[base][bytes]") {
  REQUIRE(base::hex_encode(std::string("\x00\xff\x10", 3)) == "00ff10");
  REQUIRE(base::constant_time_equal("abc", "abc"));
  REQUIRE_FALSE(base::constant_time_equal("abc", "abd"));
  REQUIRE_FALSE(base::constant_time_equal("abc", "ab"));
  REQUIRE(base::constant_time_equal("", ""));
}

TEST_CASE("standard base64 with padding, as btoa/atob", "[base][bytes]") {
  REQUIRE(base::base64_encode("f") == "Zg==");
  REQUIRE(base::base64_encode("fo") == "Zm8=");
  REQUIRE(base::base64_encode("foo") == "Zm9v");
  REQUIRE(base::base64_encode("\xfb\xff") == "+/8=");
  REQUIRE(*base::base64_decode("+/8=") == "\xfb\xff");
  REQUIRE(*base::base64_decode("Zm9vYg==") == "foob");
  REQUIRE_FALSE(base::base64_decode("Zg"));     // padding required
  REQUIRE_FALSE(base::base64_decode("-_8="));   // URL alphabet refused
  REQUIRE_FALSE(base::base64_decode("Zg=a"));
}
