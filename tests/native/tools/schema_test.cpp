#include "tools/schema.hpp"

#include <catch2/catch.hpp>

#include <limits>

using json::Json;

TEST_CASE("the schema checker names the first violation", "[tools][schema]") {
  const Json schema{{"type", "object"},
                    {"properties",
                     {{"n", {{"type", "number"}, {"minimum", 4}, {"maximum", 8}}},
                      {"s", {{"type", "string"}, {"minLength", 1}, {"maxLength", 3}}},
                      {"i", {{"type", "integer"}}},
                      {"b", {{"type", "boolean"}}}}},
                    {"required", {"n"}},
                    {"additionalProperties", false}};
  REQUIRE_FALSE(tools::check_schema(schema, {{"n", 4}}));
  REQUIRE_FALSE(tools::check_schema(schema, {{"n", 8.0}, {"s", "abc"}, {"i", 3.0}, {"b", true}}));
  REQUIRE(*tools::check_schema(schema, Json::object()) == "n: required");
  REQUIRE(*tools::check_schema(schema, {{"n", 3}}) == "n: must be at least 4");
  REQUIRE(*tools::check_schema(schema, {{"n", 9}}) == "n: must be at most 8");
  REQUIRE(*tools::check_schema(schema, {{"n", 5}, {"s", ""}}) == "s: must not be shorter than 1 characters");
  REQUIRE(*tools::check_schema(schema, {{"n", 5}, {"s", "abcd"}}) == "s: must not be longer than 3 characters");
  REQUIRE(*tools::check_schema(schema, {{"n", 5}, {"i", 1.5}}) == "i: expected an integer, got a number");
  REQUIRE(*tools::check_schema(schema, {{"n", 5}, {"x", 1}}) == "x: unexpected property");
  REQUIRE(*tools::check_schema(schema, {{"n", nullptr}}) == "n: expected a number, got null");
  REQUIRE(*tools::check_schema(schema, Json::array()) == "arguments: expected an object, got an array");
}

TEST_CASE("string lengths count characters, not bytes", "[tools][schema]") {
  const Json schema{{"type", "string"}, {"maxLength", 3}, {"minLength", 2}};
  REQUIRE_FALSE(tools::check_schema(schema, "\xc3\xa9\xc3\xa9\xc3\xa9"));  // "ééé": 6 bytes, 3 characters
  REQUIRE(tools::check_schema(schema, "\xc3\xa9"));                      // "é": 1 character
}

TEST_CASE("numbers must be finite", "[tools][schema]") {
  const Json schema{{"type", "number"}};
  REQUIRE(tools::check_schema(schema, Json(std::numeric_limits<double>::infinity())));
  REQUIRE(tools::check_schema(schema, Json(std::numeric_limits<double>::quiet_NaN())));
  REQUIRE_FALSE(tools::check_schema(schema, Json(1e308)));
}
