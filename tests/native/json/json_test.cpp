#include "json/json.hpp"

#include <catch2/catch.hpp>

TEST_CASE("parse refuses deep nesting before nlohmann sees it", "[json]") {
  REQUIRE(json::parse(std::string(64, '[') + std::string(64, ']')).value);
  auto deep = json::parse(std::string(65, '[') + std::string(65, ']'));
  REQUIRE_FALSE(deep.value);
  REQUIRE(deep.error == json::ParseError::too_deep);
  // Brackets inside strings do not count; escaped quotes do not end a string.
  REQUIRE(json::parse("{\"k\":\"" + std::string(500, '[') + "\\\"\"}").value);
  // A million open brackets: refused quickly, no recursion.
  REQUIRE(json::parse(std::string(1000000, '{')).error == json::ParseError::too_deep);
}

TEST_CASE("parse refuses bad text without aborting", "[json]") {
  for (const std::string bad : {"", "{", "[1,]", "nul", "\"\xff\"", "\"\xc3\x28\"", "{\"a\":1}x", "\"\\ud800\""}) {
    auto r = json::parse(bad);
    REQUIRE_FALSE(r.value);
    REQUIRE(r.error == json::ParseError::syntax);
  }
}

TEST_CASE("huge numbers parse to something representable", "[json]") {
  auto big = json::parse("123456789012345678901234567890");
  REQUIRE(big.value);
  REQUIRE(big.value->is_number_float());
  auto r = json::parse("1e400");
  // Either refused or infinite: both must be handled by callers without aborting.
  if (r.value) REQUIRE(r.value->is_number());
}

TEST_CASE("dump replaces invalid UTF-8 instead of aborting", "[json]") {
  const json::Json v = std::string("a\xff" "b");
  REQUIRE(json::dump(v) == "\"a\xEF\xBF\xBD" "b\"");
}

TEST_CASE("typed readers return nullptr on missing keys and wrong types", "[json]") {
  const json::Json o{{"s", "x"}, {"o", json::Json::object()}, {"n", 1}};
  REQUIRE(*json::get_string(o, "s") == "x");
  REQUIRE(json::get_string(o, "n") == nullptr);
  REQUIRE(json::get_string(o, "missing") == nullptr);
  REQUIRE(json::get_object(o, "o") != nullptr);
  REQUIRE(json::get_object(o, "s") == nullptr);
  REQUIRE(json::find(json::Json::array(), "s") == nullptr);
}
