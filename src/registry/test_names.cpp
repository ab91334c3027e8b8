// The running test's name. Records keep a bare pointer to it, so every name is interned for the life
// of the process: a thread leaked by a test that ended long ago still names that test.
#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_set>

#include "registry/registry.hpp"
#include "weft/test_scope.hpp"

namespace weft {
namespace registry {

namespace {

// Looked up by string_view without building a string: a suite interns thousands of names that share
// long prefixes, which a tree compares again at every level.
struct name_hash {
  using is_transparent = void;
  std::size_t operator()(std::string_view name) const { return std::hash<std::string_view>{}(name); }
};

struct interned_names {
  std::mutex mutex;
  // Node-based: c_str() of an element never moves, not even when the table grows.
  std::unordered_set<std::string, name_hash, std::equal_to<>> names;
};

// Never destroyed: a record may name a test after static destructors ran.
interned_names& names() {
  static interned_names* const instance = new interned_names;
  return *instance;
}

constinit std::atomic<const char*> running_test{nullptr};

}  // namespace

const char* intern_test_name(const char* name, std::size_t length) {
  interned_names& interned = names();
  std::string_view wanted(name, length);
  std::lock_guard lock(interned.mutex);
  auto it = interned.names.find(wanted);
  if (it == interned.names.end()) it = interned.names.emplace(wanted).first;
  return it->c_str();
}

void set_current_test(const char* interned) {
  running_test.store(interned, std::memory_order_release);
}

const char* current_test() {
  return running_test.load(std::memory_order_acquire);
}

}  // namespace registry

test_scope::test_scope(std::string_view name) : previous_(registry::current_test()) {
  registry::set_current_test(registry::intern_test_name(name.data(), name.size()));
}

test_scope::~test_scope() {
  registry::set_current_test(previous_);
}

std::string current_test() {
  const char* name = registry::current_test();
  return name != nullptr ? std::string(name) : std::string();
}

}  // namespace weft
