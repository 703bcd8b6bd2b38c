#pragma once

#include <cstdint>

namespace app {

// What the driver tells the core about the moment a request arrived (time is an input, never read).
struct RequestContext {
  std::int64_t now_ms = 0;  // Unix milliseconds
};

}  // namespace app
