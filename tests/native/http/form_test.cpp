#include "http/form.hpp"

#include <catch2/catch.hpp>

#include <string>

TEST_CASE("parse_form decodes pairs in order", "[http][form]") {
  auto form = http::parse_form("grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fa.example%2Fcb");
  REQUIRE(form);
  REQUIRE(form->fields.size() == 3);
  REQUIRE(form->fields[0].first == "grant_type");
  REQUIRE(*form->get("code") == "abc");
  REQUIRE(*form->get("redirect_uri") == "https://a.example/cb");
  REQUIRE(form->get("missing") == nullptr);
  REQUIRE(http::parse_form("")->fields.empty());
}

TEST_CASE("parse_form: plus, %2B and empty pieces", "[http][form]") {
  auto form = http::parse_form("a=x+y&b=x%2By&c=%20&d&e=&=f&g=1=2");
  REQUIRE(form);
  REQUIRE(*form->get("a") == "x y");
  REQUIRE(*form->get("b") == "x+y");
  REQUIRE(*form->get("c") == " ");
  REQUIRE(*form->get("d") == "");
  REQUIRE(*form->get("e") == "");
  REQUIRE(*form->get("") == "f");
  REQUIRE(*form->get("g") == "1=2");
  REQUIRE(*http::parse_form("na%6De=v")->get("name") == "v");
  REQUIRE(*http::parse_form("a+b=1")->get("a b") == "1");
}

TEST_CASE("parse_form skips empty pairs", "[http][form]") {
  auto form = http::parse_form("&a=1&&b=2&");
  REQUIRE(form);
  REQUIRE(form->fields.size() == 2);
  REQUIRE(*form->get("a") == "1");
  REQUIRE(*form->get("b") == "2");
  REQUIRE(http::parse_form("&&&")->fields.empty());
}

TEST_CASE("parse_form refuses malformed escapes and invalid UTF-8", "[http][form]") {
  for (const char* bad : {"a=%zz", "a=%", "a=%4", "a=1&b=%g1", "%zz=1", "a=%ff", "a=%C3", "a=%C0%AF", "a=%ED%A0%80",
                          "a=1&b=\xFF", "%ff=1"})
    REQUIRE_FALSE(http::parse_form(bad));
  auto utf8 = http::parse_form("name=caf%C3%A9&raw=\xC3\xA9");
  REQUIRE(utf8);
  REQUIRE(*utf8->get("name") == "caf\xC3\xA9");
  REQUIRE(*utf8->get("raw") == "\xC3\xA9");
  // NUL decodes (it is valid UTF-8); callers validate values they use.
  REQUIRE(*http::parse_form("a=%00")->get("a") == std::string(1, '\0'));
}

TEST_CASE("repeated parameters are visible", "[http][form]") {
  auto form = http::parse_form("scope=a&client_id=1&scope=b&x=1");
  REQUIRE(form);
  REQUIRE(form->repeated("scope"));
  REQUIRE_FALSE(form->repeated("client_id"));
  REQUIRE_FALSE(form->repeated("absent"));
  REQUIRE(*form->get("scope") == "a");  // first value
  // Different spellings of the same decoded name are the same parameter.
  REQUIRE(http::parse_form("code=1&c%6Fde=2")->repeated("code"));
}

TEST_CASE("form_encode keeps unreserved characters only", "[http][form]") {
  REQUIRE(http::form_encode("AZaz09-._~") == "AZaz09-._~");
  REQUIRE(http::form_encode("a b+c") == "a%20b%2Bc");
  REQUIRE(http::form_encode("https://a.example/cb?x=1&y=2#f") == "https%3A%2F%2Fa.example%2Fcb%3Fx%3D1%26y%3D2%23f");
  REQUIRE(http::form_encode("\r\n") == "%0D%0A");
  REQUIRE(http::form_encode("\xC3\xA9\xFF") == "%C3%A9%FF");
  REQUIRE(http::form_encode(std::string(1, '\0')) == "%00");
  REQUIRE(http::form_encode("") == "");
}

TEST_CASE("form_serialize round-trips through parse_form", "[http][form]") {
  const std::vector<std::pair<std::string, std::string>> fields = {
      {"grant_type", "authorization_code"}, {"redirect_uri", "http://127.0.0.1:3000/cb?a=b"}, {"odd name", "x+y &z"}};
  const std::string body = http::form_serialize(fields);
  REQUIRE(body == "grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%3A3000%2Fcb%3Fa%3Db"
                  "&odd%20name=x%2By%20%26z");
  auto back = http::parse_form(body);
  REQUIRE(back);
  REQUIRE(back->fields == fields);
  REQUIRE(http::form_serialize({}) == "");
}
