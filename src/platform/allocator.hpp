// The C library's allocator itself, behind any malloc/free a program defines: the instrument library
// defines them for its heap checks (src/instrument/heap_hooks.cpp), and blocks it kept in quarantine
// go back here, never through the program's free again.
#pragma once

namespace weft::platform {

// Frees `block`, which the C library's malloc family returned, without passing through free().
void free_for_real(void* block) noexcept;

}  // namespace weft::platform
