#include "spawn/aws/error.hpp"

#include <gtest/gtest.h>

using spawn::aws::Error;

TEST(AwsError, DescribeHasMessageCodeAndRequestId) {
  Error e{403, "UnauthorizedOperation", "You are not authorized to perform this operation.", "7a62c49f"};
  EXPECT_EQ(e.describe(),
            "You are not authorized to perform this operation. (UnauthorizedOperation, request 7a62c49f)");
  EXPECT_EQ((Error{0, "NetworkError", "connection refused", ""}).describe(),
            "connection refused (NetworkError)");
}

TEST(AwsError, ThrottlingAndTransientAreRetryable) {
  EXPECT_TRUE(retryable(Error{503, "RequestLimitExceeded", "", ""}));
  EXPECT_TRUE(retryable(Error{400, "Throttling", "", ""}));
  EXPECT_TRUE(retryable(Error{502, "", "", ""}));
  EXPECT_TRUE(retryable(Error{0, "NetworkError", "", ""}));
  EXPECT_TRUE(retryable(Error{0, "RequestTimeout", "", ""}));
}

TEST(AwsError, ClientErrorsAndCapacityAreNotRetried) {
  EXPECT_FALSE(retryable(Error{400, "InvalidParameterValue", "", ""}));
  EXPECT_FALSE(retryable(Error{403, "UnauthorizedOperation", "", ""}));
  Error capacity{500, "InsufficientInstanceCapacity", "", ""};
  EXPECT_FALSE(retryable(capacity));
  EXPECT_TRUE(is_capacity(capacity));
  EXPECT_FALSE(hint_for(capacity).empty());
}

TEST(AwsError, SpotCapacityErrorsHaveHints) {
  auto hint = [](const char* code) { return spawn::aws::hint_for(Error{500, code, "", ""}); };
  EXPECT_NE(hint("SpotMaxPriceTooLow").find("--spot-max-price"), std::string::npos);
  EXPECT_NE(hint("MaxSpotInstanceCountExceeded").find("quota"), std::string::npos);
  EXPECT_NE(hint("InsufficientCapacity").find("--spot-fallback"), std::string::npos);
  EXPECT_NE(hint("UnfulfillableCapacity").find("--instance-types"), std::string::npos);
}
