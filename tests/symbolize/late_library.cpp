// Loaded by symbolize_test.cpp with dlopen, after the symbolizer has read the process' modules.
namespace late_library {

[[gnu::noinline]] int answer_from_late_library(int x) {
  return x * 7 + 1;
}

}  // namespace late_library

using late_function = int (*)(int);

// C linkage, so that the test finds it with dlsym without spelling a mangled name.
extern "C" late_function late_library_entry() {
  return &late_library::answer_from_late_library;
}
