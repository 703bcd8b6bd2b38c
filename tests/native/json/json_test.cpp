#include "json/json.hpp"

#include <catch2/catch.hpp>

#include <utility>
#include <vector>

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
  for (const char* out_of_range : {"1e400", "[-1e400]", "{\"a\":1e999}"}) {
    auto r = json::parse(out_of_range);
    REQUIRE_FALSE(r.value);
    REQUIRE(r.error == json::ParseError::number_out_of_range);
  }
  REQUIRE(json::parse("1e-400").value);  // underflow is zero, not an error
}

TEST_CASE("number_text prints numbers as JavaScript's String(number)", "[json]") {
  const std::vector<std::pair<double, const char*>> cases = {
      {5, "5"}, {-2.5, "-2.5"}, {0.1 + 0.2, "0.30000000000000004"}, {-0.0, "0"},
      {18446744073709551616.0, "18446744073709552000"}, {9007199254740993.0, "9007199254740992"},
      {1e21, "1e+21"}, {1e20, "100000000000000000000"}, {123456789012345678901234567890.0, "1.2345678901234568e+29"},
      {1e-6, "0.000001"}, {1e-7, "1e-7"}, {1.5e-7, "1.5e-7"}, {0.00123, "0.00123"}, {123.456, "123.456"},
      {1.7976931348623157e308, "1.7976931348623157e+308"}, {5e-324, "5e-324"}};
  for (const auto& [value, text] : cases) {
    INFO(text);
    REQUIRE(json::number_text(value) == text);
  }
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

// Fuzzing found a stored timestamp of -2^63 overflowing `now - createdAt` (docs/security.md).
TEST_CASE("get_safe_integer takes only integers JavaScript holds exactly", "[json][fuzz]") {
  const auto v = json::parse(R"({"a":1750000000,"b":-9007199254740991,"c":9007199254740992,"d":-9223372036854775808,
                                 "e":18446744073709551615,"f":1.5,"g":"1","h":null,"i":9007199254740991})");
  REQUIRE(v.value);
  REQUIRE(json::get_safe_integer(*v.value, "a") == 1750000000);
  REQUIRE(json::get_safe_integer(*v.value, "b") == -9007199254740991);
  REQUIRE(json::get_safe_integer(*v.value, "i") == 9007199254740991);
  for (const char* key : {"c", "d", "e", "f", "g", "h", "missing"}) {
    INFO(key);
    REQUIRE_FALSE(json::get_safe_integer(*v.value, key));
  }
  REQUIRE_FALSE(json::get_safe_integer(json::Json::array({1}), "a"));
}
