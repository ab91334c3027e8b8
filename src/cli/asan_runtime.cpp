#include "cli/asan_runtime.hpp"

#include <elf.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <string_view>
#include <vector>

namespace weft::cli {
namespace {

std::string path_of(const std::string& program, const std::string& directory) {
  if (program.find('/') != std::string::npos) {
    if (program.front() == '/' || directory.empty()) return program;
    return directory + "/" + program;
  }
  const char* path = std::getenv("PATH");
  std::string_view entries = path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin";
  while (!entries.empty()) {
    const std::size_t end = std::min(entries.find(':'), entries.size());
    const std::string candidate =
        (end == 0 ? std::string(".") : std::string(entries.substr(0, end))) + "/" + program;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
    entries.remove_prefix(std::min(end + 1, entries.size()));
  }
  return "";
}

// `count` objects of type T at `offset` of `file`, or none when they lie outside it. Read piece by
// piece: a test binary with its debug information can be large, and each run asks again.
template <typename T>
std::vector<T> read_array(std::ifstream& file, std::uint64_t size, std::uint64_t offset,
                          std::uint64_t count) {
  if (offset > size || count > (size - offset) / sizeof(T)) return {};
  std::vector<T> items(count);
  file.clear();
  file.seekg(static_cast<std::streamoff>(offset));
  if (!file.read(reinterpret_cast<char*>(items.data()), static_cast<std::streamsize>(count * sizeof(T))))
    return {};
  return items;
}

bool is_asan_runtime(std::string_view name) {
  return name.starts_with("libasan.so") || name.starts_with("libclang_rt.asan");
}

}  // namespace

std::string asan_runtime_needed_by(const std::string& program, const std::string& directory) {
  const std::string path = path_of(program, directory);
  if (path.empty()) return "";
  std::ifstream file(path, std::ios::binary | std::ios::ate);
  if (!file) return "";
  const auto size = static_cast<std::uint64_t>(file.tellg());
  const std::vector<Elf64_Ehdr> header = read_array<Elf64_Ehdr>(file, size, 0, 1);
  if (header.empty() || std::memcmp(header[0].e_ident, ELFMAG, SELFMAG) != 0 ||
      header[0].e_ident[EI_CLASS] != ELFCLASS64 || header[0].e_shentsize != sizeof(Elf64_Shdr))
    return "";
  const std::vector<Elf64_Shdr> sections =
      read_array<Elf64_Shdr>(file, size, header[0].e_shoff, header[0].e_shnum);
  for (const Elf64_Shdr& section : sections) {
    if (section.sh_type != SHT_DYNAMIC || section.sh_link >= sections.size()) continue;
    const Elf64_Shdr& strings = sections[section.sh_link];
    const std::vector<Elf64_Dyn> entries =
        read_array<Elf64_Dyn>(file, size, section.sh_offset, section.sh_size / sizeof(Elf64_Dyn));
    const std::vector<char> names = read_array<char>(file, size, strings.sh_offset, strings.sh_size);
    for (const Elf64_Dyn& entry : entries) {
      if (entry.d_tag != DT_NEEDED || entry.d_un.d_val >= names.size()) continue;
      const std::string_view name(names.data() + entry.d_un.d_val,
                                  strnlen(names.data() + entry.d_un.d_val, names.size() - entry.d_un.d_val));
      if (is_asan_runtime(name)) return std::string(name);
    }
  }
  return "";
}

}  // namespace weft::cli
