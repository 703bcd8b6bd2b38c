// Values the server hands to a browser and must get back unchanged (the consent form's request,
// the approvals cookie): "<base64url(payload)>.<base64url(HMAC-SHA256(key(label), label || payload))>".
//
// Contract:
// 1. The key is DerivedKeys' key for `label`, so a value signed for one purpose never verifies for
//    another. Verification compares MACs in constant time.
// 2. `open_signed` returns nullopt for anything malformed or forged; Err only when the host failed
//    or the secret is missing (the caller answers with that response).
#pragma once

#include <optional>
#include <string>

#include "app/config.hpp"
#include "app/derived_keys.hpp"
#include "async/task.hpp"
#include "base/result.hpp"
#include "host/host.hpp"
#include "http/message.hpp"

namespace app {

async::Task<base::Result<std::string, http::Response>> sign_value(host::Host& host, const Config& config,
                                                                  DerivedKeys& keys, const char* label,
                                                                  std::string payload);
async::Task<base::Result<std::optional<std::string>, http::Response>> open_signed(host::Host& host, const Config& config,
                                                                                  DerivedKeys& keys, const char* label,
                                                                                  std::string_view value);

}  // namespace app
