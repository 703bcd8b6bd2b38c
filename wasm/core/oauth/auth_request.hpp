// An authorization request that passed validation (RFC 6749 §4.1.1, RFC 7636 §4.3, RFC 8707 §2):
// what the consent form, the upstream state and the grant carry forward.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "json/json.hpp"

namespace oauth {

struct AuthRequest {
  std::string client_id;
  std::string redirect_uri;  // as presented (a loopback URI may differ from the registered port)
  std::string state;         // "" when the client sent none
  std::string code_challenge;
  std::string resource;      // the audience tokens will carry
  std::vector<std::string> scope;
  std::int64_t issued_at = 0;  // Unix seconds, when validated

  json::Json to_json() const;
  static std::optional<AuthRequest> from_json(const json::Json& value);
};

}  // namespace oauth
