// The running test's name: scopes nest, and names are interned for the life of the process.
#include "weft/test_scope.hpp"

#include <gtest/gtest.h>

#include <string>
#include <thread>

#include "registry/registry.hpp"

namespace weft::registry_test {

TEST(TestScope, NamesNoTestOutsideAnyScope) {
  EXPECT_EQ(current_test(), "");
  EXPECT_EQ(registry::current_test(), nullptr);
}

TEST(TestScope, NestedScopeRestoresTheOuterNameWhenItEnds) {
  {
    test_scope outer("suite.outer");
    EXPECT_EQ(current_test(), "suite.outer");
    {
      test_scope inner("suite.inner");
      EXPECT_EQ(current_test(), "suite.inner");
    }
    EXPECT_EQ(current_test(), "suite.outer");
  }
  EXPECT_EQ(current_test(), "");
}

TEST(TestScope, NameIsSeenByEveryThread) {
  test_scope scope("suite.shared");
  std::string seen_elsewhere;
  std::thread([&seen_elsewhere] { seen_elsewhere = current_test(); }).join();
  EXPECT_EQ(seen_elsewhere, "suite.shared");
}

TEST(TestScope, KeepsACopyOfTheName) {
  std::string name = "suite.copied";
  test_scope scope(name);
  name.assign("overwritten!");
  EXPECT_EQ(current_test(), "suite.copied");
}

TEST(InternTestName, ReturnsOneStablePointerPerDistinctName) {
  const char* first = registry::intern_test_name("suite.a-longer-name-than-any-small-string", 41);
  const char* again =
      registry::intern_test_name(std::string("suite.a-longer-name-than-any-small-string").c_str(), 41);
  const char* other = registry::intern_test_name("suite.b", 7);
  for (int i = 0; i < 1000; ++i) {
    std::string filler = "suite.filler." + std::to_string(i);
    (void)registry::intern_test_name(filler.data(), filler.size());
  }

  EXPECT_EQ(first, again);
  EXPECT_NE(first, other);
  EXPECT_STREQ(first, "suite.a-longer-name-than-any-small-string");
  EXPECT_STREQ(other, "suite.b");
  EXPECT_EQ(registry::intern_test_name("suite.b", 7), other);
}

TEST(InternTestName, UsesOnlyTheGivenLength) {
  EXPECT_STREQ(registry::intern_test_name("suite.cut-here", 9), "suite.cut");
}

}  // namespace weft::registry_test
