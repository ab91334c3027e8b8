// Which AddressSanitizer runtime a program loads, so that the command can put it first in the
// program's LD_PRELOAD (ASan refuses to start when another library precedes it).
#pragma once

#include <string>

namespace weft::cli {

// The DT_NEEDED name of the shared ASan runtime ("libasan.so.8", "libclang_rt.asan-x86_64.so") that
// the ELF file `program` asks for; empty when it needs none, links ASan statically (clang's default,
// which comes first anyway), or is no 64-bit ELF file that can be read (a script, a missing file).
// `program` is looked up in PATH when it has no slash, relative to `directory` when it is relative
// and `directory` is not empty, as the exec of the program will.
[[nodiscard]] std::string asan_runtime_needed_by(const std::string& program, const std::string& directory);

}  // namespace weft::cli
