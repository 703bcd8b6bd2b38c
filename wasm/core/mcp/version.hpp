// MCP protocol revisions this server speaks (MCP 2025-06-18 basic/lifecycle §version negotiation).
//
// Contract:
// 1. `negotiate` echoes a supported requested version, else answers the latest.
// 2. `allows_batches`: JSON-RPC batches exist in 2024-11-05 and 2025-03-26 and were removed in
//    2025-06-18 (changelog, "Remove support for JSON-RPC batching").
// 3. A version travels as its short code inside session ids (`version_code`).
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace mcp {

inline constexpr std::array<std::string_view, 4> supported_versions = {
    "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"};
inline constexpr std::string_view latest_version = supported_versions[0];
// Streamable HTTP: a request without MCP-Protocol-Version is read under these rules
// (MCP 2025-06-18 basic/transports §protocol version header).
inline constexpr std::string_view default_http_version = "2025-03-26";

inline bool is_supported(std::string_view v) {
  for (auto s : supported_versions)
    if (s == v) return true;
  return false;
}

inline std::string_view negotiate(std::string_view requested) {
  for (auto s : supported_versions)
    if (s == requested) return s;
  return latest_version;
}

inline bool allows_batches(std::string_view v) { return v == "2025-03-26" || v == "2024-11-05"; }

}  // namespace mcp
