#include "spawn/aws/auth/credentials.hpp"

namespace spawn::aws::auth {

Error credentials_error(std::string message) {
  return local_error(std::string(k_credentials_error), std::move(message));
}

Error credentials_not_found(std::string message) {
  return local_error(std::string(k_credentials_not_found), std::move(message));
}

}  // namespace spawn::aws::auth
