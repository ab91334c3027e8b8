// What the link probe offers: probe.cpp is compiled with -fsanitize=thread by each compiler CI builds
// with, each copy in its own namespace, and every function goes through the __tsan_* hooks that
// compiler emits. A missing hook fails the link; a hook with the wrong semantics fails the tests.
// Included once per copy, with WEFT_PROBE_NAMESPACE naming it: no include guard on purpose.

#include <string>

#ifndef WEFT_PROBE_NAMESPACE
#error "define WEFT_PROBE_NAMESPACE to the namespace of the probe copy"
#endif

namespace weft_test::WEFT_PROBE_NAMESPACE {

// Each returns the operations whose result was not the one the C++ memory model gives, one per line;
// empty when all were right.
std::string atomic_operations_misbehaving();
std::string plain_accesses_misbehaving();

}  // namespace weft_test::WEFT_PROBE_NAMESPACE
