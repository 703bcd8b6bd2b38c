#include "app/origin_guard.hpp"

namespace app {

GuardResult guard_host_and_origin(const http::Request& request, const http::UrlParts& url, const Config& config) {
  GuardResult r;
  if (!config.local_development && url.scheme != "https") {  // contract 0
    r.failure = GuardFailure{"Forbidden: this server answers only over https"};
    return r;
  }
  const std::string* host_header = request.header("host");
  const std::string authority = host_header ? http::to_lower_ascii(*host_header) : url.authority;

  if (!config.public_origin.empty()) {
    const auto pinned = http::split_url(config.public_origin);
    if (!pinned || authority != pinned->authority) {
      r.failure = GuardFailure{"Forbidden: Host does not match PUBLIC_URL"};
      return r;
    }
    r.own_origin = config.public_origin;
  } else {
    if (config.local_development && !http::is_loopback_host(http::host_of_authority(authority))) {
      r.failure = GuardFailure{"Forbidden: only loopback hosts are served in local development"};
      return r;
    }
    r.own_origin = url.scheme + "://" + authority;
  }

  if (const std::string* origin = request.header("origin")) {
    const std::string o = http::to_lower_ascii(*origin);
    bool allowed = o == r.own_origin;
    for (const auto& a : config.allowed_origins) allowed = allowed || o == a;
    r.origin = o;
    r.origin_allowed = allowed;
  }
  return r;
}

}  // namespace app
