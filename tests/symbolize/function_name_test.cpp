// The names are real demangler output (GCC 12's c++filt), so that the parser is tested on what
// symbolization actually yields.
#include "symbolize/function_name.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace {

using weft::symbolize::parse_function_name;

std::string qualified(const char* demangled) {
  return parse_function_name(demangled).qualified();
}

std::vector<std::string> scope_names(const char* demangled) {
  std::vector<std::string> names;
  for (const auto& scope : parse_function_name(demangled).scopes) names.push_back(scope.name);
  return names;
}

TEST(FunctionName, PlainNamesAreOneScope) {
  EXPECT_EQ(qualified("pthread_cond_wait"), "pthread_cond_wait");
  EXPECT_EQ(qualified("main"), "main");
  EXPECT_EQ(qualified("worker_loop()"), "worker_loop");
  EXPECT_EQ(parse_function_name("").scopes.size(), 0u);
}

TEST(FunctionName, KeepsAnonymousNamespacesAsScopes) {
  EXPECT_EQ(scope_names("leveldb::(anonymous namespace)::PosixEnv::Schedule(void (*)(void*), void*)"),
            (std::vector<std::string>{"leveldb", "(anonymous namespace)", "PosixEnv", "Schedule"}));
  EXPECT_EQ(qualified("(anonymous namespace)::worker(int)"), "(anonymous namespace)::worker");
}

TEST(FunctionName, DropsFunctionPointerParameters) {
  EXPECT_EQ(qualified("ns::run(void (*)(void*), int (ns::X::*)(int) const)"), "ns::run");
  EXPECT_EQ(qualified("std::function<void (int)>::operator()(int) const"), "std::function::operator()");
}

TEST(FunctionName, DropsTemplateArgumentsNestedOrNot) {
  const char* name =
      "int ns::Pool<int>::get<int>(std::vector<std::vector<int, std::allocator<int> >, "
      "std::allocator<std::vector<int, std::allocator<int> > > >)";
  EXPECT_EQ(qualified(name), "ns::Pool::get");
  EXPECT_EQ(parse_function_name(name).qualified_with_template_args(), "ns::Pool<int>::get<int>");
  EXPECT_EQ(qualified("std::map<int, std::vector<int>>::find(int const&)"), "std::map::find");
  EXPECT_EQ(qualified("A<((1)>(2))>::f()"), "A::f");
  EXPECT_EQ(
      qualified("std::thread::_State_impl<std::thread::_Invoker<std::tuple<Pool::start()::{lambda()#1}> > "
                ">::_M_run()"),
      "std::thread::_State_impl::_M_run");
}

TEST(FunctionName, DropsReturnTypes) {
  EXPECT_EQ(qualified("void std::sort<int*>(int*, int*)"), "std::sort");
  EXPECT_EQ(qualified("char const& std::forward<char const&>(std::remove_reference<char const&>::type&)"),
            "std::forward");
  EXPECT_EQ(qualified("std::thread& std::vector<std::thread, std::allocator<std::thread> >::emplace_back<"
                      "Pool::Pool(unsigned long)::{lambda()#1}>(Pool::Pool(unsigned long)::{lambda()#1}&&)"),
            "std::vector::emplace_back");
  EXPECT_EQ(qualified("unsigned long ns::count<int>(int)"), "ns::count");
  EXPECT_EQ(qualified("std::unique_ptr<int, std::default_delete<int> > ns::make<int>()"), "ns::make");
}

TEST(FunctionName, DropsDecltypeReturnTypes) {
  EXPECT_EQ(
      qualified("decltype (::new ((void*)(0)) std::thread((declval<Pool::Pool(unsigned long)::{lambda()#1}>)"
                "())) std::construct_at<std::thread, Pool::Pool(unsigned long)::{lambda()#1}>(std::thread*, "
                "Pool::Pool(unsigned long)::{lambda()#1}&&)"),
      "std::construct_at");
  EXPECT_EQ(qualified("decltype(auto) ns::call<int>(int)"), "ns::call");
}

TEST(FunctionName, ReadsLambdasAsScopesOfTheirFunction) {
  EXPECT_EQ(scope_names("ns::use()::{lambda(int)#1}::operator()(int) const"),
            (std::vector<std::string>{"ns", "use", "{lambda(int)#1}", "operator()"}));
  EXPECT_EQ(qualified("Pool::start() const::{lambda()#2}::operator()() const"),
            "Pool::start::{lambda()#2}::operator()");
  EXPECT_EQ(qualified("void std::__invoke_impl<void, Pool::start()::{lambda()#1}>(std::__invoke_other, "
                      "Pool::start()::{lambda()#1}&&)"),
            "std::__invoke_impl");
}

TEST(FunctionName, ReadsOperators) {
  EXPECT_EQ(qualified("ns::X::operator()(int) const"), "ns::X::operator()");
  EXPECT_EQ(qualified("ns::X::operator<(ns::X const&) const"), "ns::X::operator<");
  EXPECT_EQ(qualified("ns::operator<<(std::basic_ostream<char, std::char_traits<char> >&, ns::X const&)"),
            "ns::operator<<");
  EXPECT_EQ(qualified("bool ns::operator< <int>(ns::Y<int> const&, ns::Y<int> const&)"), "ns::operator<");
  EXPECT_EQ(
      qualified("std::basic_ostream<char, std::char_traits<char> >& std::operator<< "
                "<std::char_traits<char> >(std::basic_ostream<char, std::char_traits<char> >&, char const*)"),
      "std::operator<<");
  EXPECT_EQ(qualified("ns::X::operator->()"), "ns::X::operator->");
  EXPECT_EQ(qualified("ns::X::operator>>=(int)"), "ns::X::operator>>=");
  EXPECT_EQ(qualified("ns::X::operator[](unsigned long)"), "ns::X::operator[]");
  EXPECT_EQ(qualified("operator new(unsigned long, void*)"), "operator new");
  EXPECT_EQ(qualified("operator delete[](void*)"), "operator delete[]");
}

TEST(FunctionName, ReadsConversionOperators) {
  EXPECT_EQ(qualified("ns::X::operator bool() const"), "ns::X::operator bool");
  EXPECT_EQ(qualified("ns::X::operator std::vector<int, std::allocator<int> >() const"),
            "ns::X::operator std::vector<int, std::allocator<int> >");
}

TEST(FunctionName, DropsAbiTags) {
  EXPECT_EQ(qualified("ns::tagged[abi:cxx11]()"), "ns::tagged");
  EXPECT_EQ(qualified("std::__cxx11::basic_string<char, std::char_traits<char>, std::allocator<char> > "
                      "ns::name[abi:cxx11]<int>(int)"),
            "ns::name");
}

TEST(FunctionName, DropsCloneSuffixes) {
  EXPECT_EQ(qualified("ns::work(int) [clone .isra.0]"), "ns::work");
  EXPECT_EQ(qualified("ns::work(int) [clone .constprop.1] [clone .cold]"), "ns::work");
  EXPECT_EQ(qualified("worker.isra.0"), "worker");
  EXPECT_EQ(qualified("main.cold"), "main");
}

TEST(FunctionName, DropsThunkPrefixes) {
  EXPECT_EQ(qualified("non-virtual thunk to ns::Impl::run()"), "ns::Impl::run");
}

TEST(FunctionName, TellsConstructorsAndDestructors) {
  EXPECT_TRUE(parse_function_name("ns::Pool<int>::Pool(int)").is_constructor_or_destructor());
  EXPECT_TRUE(parse_function_name("ns::Pool<int>::~Pool()").is_constructor_or_destructor());
  EXPECT_TRUE(parse_function_name("weft::tracked_promise<task>::tracked_promise<int&>(int&)")
                  .is_constructor_or_destructor());
  EXPECT_FALSE(parse_function_name("ns::Pool<int>::start()").is_constructor_or_destructor());
  EXPECT_FALSE(parse_function_name("Pool()").is_constructor_or_destructor());
  EXPECT_FALSE(parse_function_name("Pool::Pool(unsigned long)::{lambda()#1}::operator()() const")
                   .is_constructor_or_destructor());
}

TEST(FunctionName, GivesBackWhatItCannotRead) {
  // A function returning a function pointer: the name sits inside the return type.
  EXPECT_EQ(qualified("void (*ns::handler<int>(int))(int)"), "void (*ns::handler<int>(int))(int)");
}

}  // namespace
