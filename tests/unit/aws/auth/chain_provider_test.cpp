#include "spawn/aws/auth/chain_provider.hpp"

#include <gtest/gtest.h>

using namespace spawn::aws;
using namespace spawn::aws::auth;

namespace {

// Answers the same thing every time and counts the calls.
class Fixed final : public CredentialsProvider {
 public:
  explicit Fixed(Result<Credentials> answer) : m_answer(std::move(answer)) {}
  Result<Credentials> get() override {
    ++calls;
    return m_answer;
  }
  int calls = 0;

 private:
  Result<Credentials> m_answer;
};

std::shared_ptr<Fixed> found(std::string key) {
  return std::make_shared<Fixed>(Credentials{std::move(key), "s", "", std::nullopt, "test"});
}
std::shared_ptr<Fixed> nothing(std::string why) {
  return std::make_shared<Fixed>(spawn::unexpected(credentials_not_found(std::move(why))));
}
std::shared_ptr<Fixed> broken(std::string code, std::string why) {
  return std::make_shared<Fixed>(spawn::unexpected(local_error(std::move(code), std::move(why))));
}

}  // namespace

TEST(ChainProvider, FirstWithCredentialsWins) {
  auto a = nothing("a: no"), b = found("B"), c = found("C");
  auto chain = make_chain_provider({a, b, c});
  auto r = chain->get();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->access_key_id, "B");
  EXPECT_EQ(a->calls, 1);
  EXPECT_EQ(c->calls, 0);
}

TEST(ChainProvider, ConfiguredButBrokenStopsTheChain) {
  auto a = broken("CredentialsError", "a: key without secret"), b = found("B");
  auto r = make_chain_provider({a, b})->get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "CredentialsError");
  EXPECT_EQ(r.error().message, "a: key without secret");
  EXPECT_EQ(b->calls, 0);
  // Other codes are reported as CredentialsError too, message kept.
  auto n = make_chain_provider({broken("NetworkError", "refused"), found("B")})->get();
  EXPECT_EQ(n.error().code, "CredentialsError");
  EXPECT_EQ(n.error().message, "refused");
}

TEST(ChainProvider, NothingFoundListsWhatWasTriedInOrder) {
  auto r = make_chain_provider({nothing("environment: AWS_ACCESS_KEY_ID is not set"), nothing("instance role: none")})->get();
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "CredentialsError");
  EXPECT_EQ(r.error().message,
            "no AWS credentials found. Tried, in order: environment: AWS_ACCESS_KEY_ID is not set; instance role: none");
  EXPECT_FALSE(hint_for(r.error()).empty());
  EXPECT_EQ(make_chain_provider({})->get().error().code, "CredentialsError");
}
