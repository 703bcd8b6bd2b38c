// wasm/boundary/libc_wraps.cpp in the module it serves: nlohmann's number parsing and escaping go
// through the wrapped strtod and snprintf, and both agree with C's where the module uses them.
// Expected doubles are C++ literals, which the compiler rounds correctly.
#include <cerrno>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "json/json.hpp"

namespace {

bool parses_to(const char* text, double expected) {
  const auto r = json::parse(text);
  if (!r.value || !r.value->is_number_float()) return false;
  const double d = r.value->get<double>();
  return d == expected && std::signbit(d) == std::signbit(expected);
}

bool strtod_is(const char* text, double expected, std::size_t used) {
  char* end = nullptr;
  const double d = std::strtod(text, &end);
  const bool same = std::isnan(expected) ? std::isnan(d) : d == expected && std::signbit(d) == std::signbit(expected);
  return same && end == text + used;
}

std::string hex(const char* format, unsigned v, std::size_t size = 32, int* length = nullptr) {
  char buf[32];
  const int n = std::snprintf(buf, size, format, v);
  if (length) *length = n;
  return buf;
}

}  // namespace

void libc_wraps_checks(void (*expect)(bool, const char*)) {
  expect(parses_to("0.1", 0.1) && parses_to("-0.0", -0.0) && parses_to("1E+2", 100.0) && parses_to("-12.5e-1", -1.25),
         "json numbers: ordinary values");
  expect(parses_to("1.7976931348623157e308", DBL_MAX) && parses_to("4.9406564584124654e-324", 4.9406564584124654e-324) &&
             parses_to("2.2250738585072011e-308", 2.2250738585072011e-308) && parses_to("1e-400", 0.0),
         "json numbers: range ends, subnormals and underflow round like C");
  expect(parses_to("9007199254740993.0", 9007199254740992.0) && parses_to("9007199254740995.0", 9007199254740996.0) &&
             parses_to("123456789012345678901234567890", 123456789012345678901234567890.0),
         "json numbers: ties to even, integers past 64 bits");
  expect(json::parse("1e400").error == json::ParseError::number_out_of_range, "json numbers: 1e400 is out of range");
  errno = 0;
  expect(strtod_is("  12.5e1xyz", 125.0, 8) && strtod_is("1e", 1.0, 1) && strtod_is("-.5e+", -0.5, 3) &&
             strtod_is("abc", 0.0, 0) && strtod_is("-INFINITY", -INFINITY, 9) && strtod_is("inf", INFINITY, 3) &&
             strtod_is("nan(x1)", NAN, 7) && errno == 0,
         "strtod: prefixes, special values, end pointer");
  expect(strtod_is("1e999", INFINITY, 5) && errno == ERANGE, "strtod: overflow sets ERANGE");
  int length = 0;
  char buf[32];
  std::snprintf(buf, sizeof buf, "%x|%5d|%05u|%%|%.0x", 0u, -42, 7u, 0u);
  expect(hex("\\u%04x", 0x1f) == "\\u001f" && hex("<U+%.4X>", 0x0a) == "<U+000A>" && std::string(buf) == "0|  -42|00007|%|" &&
             hex("%04x", 0x1f, 3, &length) == "00" && length == 4,
         "snprintf: nlohmann's formats, padding, truncation");
  expect(json::dump(json::Json("a\x01" "b")) == "\"a\\u0001b\"", "json dump escapes a control character");
  expect(!json::parse("\"\x01\"").value, "json parse refuses a raw control character (the lexer names it with snprintf)");
}
