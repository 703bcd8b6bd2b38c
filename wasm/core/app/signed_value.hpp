// Values the server hands to a browser and must get back unchanged (the consent form's request,
// the approvals cookie): "<base64url(payload)>.<base64url(HMAC-SHA256(key(label), label || payload))>".
//
// Contract:
// 1. The key is DerivedKeys' key for `label`, so a value signed for one purpose never verifies for
//    another. Verification compares MACs in constant time.
// 2. `open_signed` returns nullopt for anything malformed or forged; Err only when the host failed
//    or the secret is missing (the caller answers with that response).
// 3. Signing also comes in pieces (`op_sign`, `signed_text`), for a caller that batches the MAC
//    with other operations into one round trip; the key then comes from DerivedKeys first.
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
// The MAC operation for `payload` under `key` (DerivedKeys' key for `label`), and the signed value
// from its result (nullopt when the host failed).
host::Operation op_sign(std::string key, const char* label, const std::string& payload);
std::optional<std::string> signed_text(const std::string& payload, const host::OpResult& mac);
async::Task<base::Result<std::optional<std::string>, http::Response>> open_signed(host::Host& host, const Config& config,
                                                                                  DerivedKeys& keys, const char* label,
                                                                                  std::string_view value);

}  // namespace app
