#include "mcp/version.hpp"

#include <catch2/catch.hpp>

TEST_CASE("version negotiation echoes a supported version, else the latest", "[mcp][version]") {
  for (auto v : mcp::supported_versions) REQUIRE(mcp::negotiate(v) == v);
  REQUIRE(mcp::negotiate("2024-10-07") == "2025-11-25");
  REQUIRE(mcp::negotiate("") == mcp::latest_version);
  REQUIRE_FALSE(mcp::is_supported("2025-06-19"));
}

TEST_CASE("batches exist only before 2025-06-18", "[mcp][version][batch]") {
  REQUIRE(mcp::allows_batches("2025-03-26"));
  REQUIRE(mcp::allows_batches("2024-11-05"));
  REQUIRE_FALSE(mcp::allows_batches("2025-06-18"));
  REQUIRE_FALSE(mcp::allows_batches("2025-11-25"));
}
