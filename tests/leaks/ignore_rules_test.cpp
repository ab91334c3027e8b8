// How an ignore rule's glob meets a demangled function name: on its qualified name, so that a rule
// written from the report's words matches whatever the demangler put around them.
#include "leaks/ignore_rules.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <memory>
#include <weft/weft.hpp>

#include "blocked_threads.hpp"
#include "support/scoped_environment.hpp"

namespace leak_example {
namespace {

// A library's background thread started from a class in an unnamed namespace, as leveldb's
// PosixEnv::Schedule starts its own.
struct PosixEnv {
  [[gnu::noinline]] std::unique_ptr<weft_test::parked_thread> Schedule(void (*)(void*), void*) {
    return std::make_unique<weft_test::parked_thread>();
  }
};

}  // namespace
}  // namespace leak_example

namespace {

using namespace std::chrono_literals;
using weft::leaks::matches;

TEST(IgnoreRuleMatching, GlobMatchesThroughAnAnonymousNamespace) {
  const char* schedule = "leveldb::(anonymous namespace)::PosixEnv::Schedule(void (*)(void*), void*)";
  EXPECT_TRUE(matches("leveldb::*PosixEnv::Schedule", schedule));
  EXPECT_TRUE(matches("leveldb::*Env::Schedule", schedule));
  EXPECT_TRUE(matches("leveldb::(anonymous namespace)::PosixEnv::Schedule", schedule));
  EXPECT_TRUE(matches("leveldb::PosixEnv::Schedule", schedule));
  EXPECT_FALSE(matches("leveldb::*Env::StartThread", schedule));
  EXPECT_FALSE(matches("rocksdb::*", schedule));
}

TEST(IgnoreRuleMatching, GlobMatchesTheNameWithoutReturnTypeParametersOrTemplateArguments) {
  const char* get = "int ns::Pool<int>::get<int>(std::vector<int, std::allocator<int> >) const";
  EXPECT_TRUE(matches("ns::Pool::get", get));
  EXPECT_TRUE(matches("ns::Pool<int>::get<int>", get));
  EXPECT_TRUE(matches("ns::Pool<int>::*", get));
  EXPECT_TRUE(matches("*Pool::get", get));
  EXPECT_FALSE(matches("ns::Pool<char>::get*", get));
  EXPECT_TRUE(matches("Pool::start", "Pool::start() const"));
  EXPECT_TRUE(matches("worker_loop*", "worker_loop(int)"));
}

TEST(IgnoreRuleMatching, GlobMatchesLambdasOperatorsAbiTagsAndClones) {
  EXPECT_TRUE(matches("Pool::Pool::{lambda()#1}::operator()",
                      "Pool::Pool(unsigned long)::{lambda()#1}::operator()() const"));
  EXPECT_TRUE(matches("Pool::Pool*", "Pool::Pool(unsigned long)::{lambda()#1}::operator()() const"));
  EXPECT_TRUE(matches("ns::X::operator()", "ns::X::operator()(int) const"));
  EXPECT_TRUE(matches("ns::operator<<", "ns::operator<<(std::ostream&, ns::X const&)"));
  EXPECT_TRUE(matches("ns::name", "ns::name[abi:cxx11]()"));
  EXPECT_TRUE(matches("ns::work", "ns::work(int) [clone .isra.0] [clone .cold]"));
  EXPECT_TRUE(matches("worker", "worker.constprop.0"));
}

TEST(IgnoreRuleMatching, CreatedByRuleIgnoresAThreadStartedInAnAnonymousNamespace) {
  leak_example::PosixEnv env;
  const auto background = env.Schedule(nullptr, nullptr);
  const weft::options quick = weft::options().settle_timeout(30ms);
  ASSERT_EQ(weft::find_leaks(quick).thread_count(), 1u);
  const weft_test::scoped_environment ignore("WEFT_IGNORE", "created_by:leak_example::*Env::Schedule");
  const weft::leak_report report = weft::find_leaks(quick);
  EXPECT_TRUE(report.empty()) << report.text();
}

}  // namespace
