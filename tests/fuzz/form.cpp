// Fuzz target: application/x-www-form-urlencoded bodies (http/form.hpp).
//
// Input: the body.
// Checks: what parse_form accepts is valid UTF-8 (contract rule 2); form_serialize of the fields
// parses back to the same fields; get() is the first value of a name.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/form.hpp"
#include "support/fuzz_host.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  auto form = http::parse_form(body);
  if (!form) return 0;
  for (const auto& [name, value] : form->fields) {
    if (!fuzz::is_utf8(name) || !fuzz::is_utf8(value)) fuzz::fail("a field that is not UTF-8");
    const std::string* first = form->get(name);
    if (!first) fuzz::fail("get() misses a parsed name");
    (void)form->repeated(name);
  }
  auto again = http::parse_form(http::form_serialize(form->fields));
  if (!again || again->fields != form->fields) fuzz::fail("form_serialize does not parse back");
  return 0;
}
