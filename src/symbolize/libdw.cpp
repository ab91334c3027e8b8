// Program counters to frames through elfutils' libdwfl: one Dwfl for the whole process, built from
// the dynamic loader's list of objects, and one cache of finished frames per pc.
#include <cxxabi.h>
#include <dlfcn.h>
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <link.h>
#include <sys/auxv.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include "symbolize/symbolizer.hpp"

namespace weft::symbolize {
namespace {

struct free_deleter {
  void operator()(void* p) const { std::free(p); }
};

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  // __cxa_demangle also decodes bare type encodings ("f" becomes "float"), so only names carrying the
  // Itanium prefix are handed to it; C symbols such as "write" stay as they are.
  if (std::strncmp(name, "_Z", 2) != 0) return name;
  int status = 0;
  const std::unique_ptr<char, free_deleter> plain(abi::__cxa_demangle(name, nullptr, nullptr, &status));
  return status == 0 && plain != nullptr ? std::string(plain.get()) : std::string(name);
}

// Symbol tables of versioned libraries name definitions "__libc_start_main@@GLIBC_2.34"; the version
// is not part of the function's name, and ignore patterns should not have to spell it.
std::string function_of_symbol(const char* symbol) {
  if (symbol == nullptr) return {};
  std::string name(symbol);
  if (const auto at = name.find('@'); at != std::string::npos) name.erase(at);
  return demangle(name.c_str());
}

// ---- inlined calls -----------------------------------------------------------------------------

// The DIE that declares a function: inlined and out-of-line instances point back to it through
// DW_AT_abstract_origin, out-of-class definitions through DW_AT_specification.
Dwarf_Die declaration_of(Dwarf_Die die) {
  // Real chains are two or three links long; the bound only guards against a malformed file.
  for (int link = 0; link < 8; ++link) {
    Dwarf_Attribute attribute;
    Dwarf_Die target;
    if (dwarf_formref_die(dwarf_attr(&die, DW_AT_abstract_origin, &attribute), &target) == nullptr &&
        dwarf_formref_die(dwarf_attr(&die, DW_AT_specification, &attribute), &target) == nullptr) {
      break;
    }
    die = target;
  }
  return die;
}

std::string function_name(Dwarf_Die* function, int depth);

// "ns::type::name" from the enclosing namespaces, classes and functions, for functions without a
// linkage name (constructors, lambdas and templates over local types often have none). Without the
// qualification std::thread's inlined constructor would read "thread" and no longer count as part of
// the C++ runtime.
std::string qualified_name(Dwarf_Die declaration, const std::string& name, int depth) {
  Dwarf_Die* scopes = nullptr;
  const int count = dwarf_getscopes_die(&declaration, &scopes);
  const std::unique_ptr<Dwarf_Die, free_deleter> owner(scopes);
  std::string qualified = name;
  // scopes[0] is the declaration itself, then its parents outwards, the compile unit last.
  for (int i = 1; i < count; ++i) {
    const int tag = dwarf_tag(&scopes[i]);
    if (tag == DW_TAG_subprogram) {
      // A class local to a function, such as a lambda's closure: the function's name is complete.
      const std::string enclosing = function_name(&scopes[i], depth + 1);
      return enclosing.empty() ? qualified : enclosing + "::" + qualified;
    }
    if (tag != DW_TAG_namespace && tag != DW_TAG_class_type && tag != DW_TAG_structure_type &&
        tag != DW_TAG_union_type) {
      continue;
    }
    const char* scope_name = dwarf_diename(&scopes[i]);
    if (scope_name != nullptr) {
      qualified.insert(0, std::string(scope_name) + "::");
    } else if (tag == DW_TAG_namespace) {
      qualified.insert(0, "(anonymous namespace)::");
    } else {
      // A closure type has no name; its call operator is what a lambda's body is inlined as.
      qualified.insert(0, i == 1 && name == "operator()" ? "{lambda}::" : "{unnamed type}::");
    }
  }
  return qualified;
}

// A function's name as a frame shows it: demangled from its linkage name when DWARF keeps one,
// else its qualified DWARF name. `depth` bounds the walk through enclosing functions, which only a
// malformed file could make long.
std::string function_name(Dwarf_Die* function, int depth) {
  if (depth > 8) return {};
  Dwarf_Attribute attribute;
  for (const int name_attribute : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    if (const char* linkage = dwarf_formstring(dwarf_attr_integrate(function, name_attribute, &attribute))) {
      return demangle(linkage);
    }
  }
  const char* name = dwarf_formstring(dwarf_attr_integrate(function, DW_AT_name, &attribute));
  return name != nullptr ? qualified_name(declaration_of(*function), name, depth) : std::string();
}

// Where an inlined body was called from: the call site's file and line, kept on the inlined scope.
bool read_call_site(Dwarf_Die* inlined, Dwarf_Files* files, std::size_t file_count, stack_frame& frame) {
  Dwarf_Attribute attribute;
  Dwarf_Word file_index = 0;
  Dwarf_Word line = 0;
  if (dwarf_formudata(dwarf_attr(inlined, DW_AT_call_file, &attribute), &file_index) != 0 ||
      dwarf_formudata(dwarf_attr(inlined, DW_AT_call_line, &attribute), &line) != 0 ||
      file_index >= file_count) {
    return false;
  }
  const char* file = dwarf_filesrc(files, file_index, nullptr, nullptr);
  if (file == nullptr) return false;
  frame.file = file;
  frame.line = static_cast<unsigned>(line);
  return true;
}

// Appends the DIEs whose code covers `pc` below `parent`, outermost first: the function, then the
// lexical blocks and inlined calls nested in it. dwarf_getscopes would do this, but libdw 0.188
// misses the DWARF 5 range lists clang writes for inlined calls; dwarf_haspc reads them right.
void append_scopes_at(Dwarf_Die* parent, Dwarf_Addr pc, std::vector<Dwarf_Die>& chain) {
  Dwarf_Die child;
  if (dwarf_child(parent, &child) != 0) return;
  do {
    switch (dwarf_tag(&child)) {
      case DW_TAG_subprogram:
      case DW_TAG_inlined_subroutine:
      case DW_TAG_lexical_block:
        if (dwarf_haspc(&child, pc) == 1) {
          chain.push_back(child);
          append_scopes_at(&child, pc, chain);
          return;
        }
        break;
      case DW_TAG_namespace:
      case DW_TAG_class_type:
      case DW_TAG_structure_type:
        // Function definitions usually sit at the top of the unit, but may be nested in these.
        if (chain.empty()) {
          append_scopes_at(&child, pc, chain);
          if (!chain.empty()) return;
        }
        break;
      default:
        break;
    }
  } while (dwarf_siblingof(&child, &child) == 0);
}

// Inlined calls have no symbol of their own; DWARF keeps them as DW_TAG_inlined_subroutine scopes
// nested in the function they were inlined into. Each becomes its own frame at the same pc, innermost
// first, so that "worker_loop() on top of the stack" holds even where worker_loop was inlined. When
// any piece is missing the single symbol frame is kept: a partial chain would name the wrong caller.
std::vector<stack_frame> with_inlined_calls(Dwarf_Die* unit, Dwarf_Addr unit_pc, stack_frame symbol) {
  std::vector<Dwarf_Die> scopes;
  append_scopes_at(unit, unit_pc, scopes);
  std::vector<Dwarf_Die*> inlined;  // innermost first
  for (auto scope = scopes.rbegin(); scope != scopes.rend(); ++scope) {
    if (dwarf_tag(&*scope) == DW_TAG_inlined_subroutine) inlined.push_back(&*scope);
  }
  Dwarf_Files* files = nullptr;
  std::size_t file_count = 0;
  if (inlined.empty() || dwarf_getsrcfiles(unit, &files, &file_count) != 0) return {std::move(symbol)};

  // The line table already describes the innermost inlined body, so frame 0 keeps the symbol's
  // file and line; every outer frame stands at the call site recorded on the scope inside it.
  std::vector<stack_frame> frames;
  stack_frame frame = symbol;
  for (Dwarf_Die* call : inlined) {
    frame.function = function_name(call, 0);
    if (frame.function.empty()) return {std::move(symbol)};
    frames.push_back(frame);
    if (!read_call_site(call, files, file_count, frame)) return {std::move(symbol)};
  }
  frame.function = symbol.function;
  frames.push_back(std::move(frame));
  return frames;
}

// The compile unit whose code covers `address`, or null. libdwfl looks units up in .debug_aranges:
// it takes the unit starting closest below the address without checking where that unit ends (code
// without debug information, such as crt1's _start, would borrow a neighbour's lines), and finds
// nothing when the section is missing, as clang leaves it out by default. So its answer is checked,
// and without one the units are scanned; the result is cached per pc.
Dwarf_Die* unit_covering(Dwfl_Module* module, Dwarf_Addr address, Dwarf_Addr& bias) {
  Dwarf_Die* unit = dwfl_module_addrdie(module, address, &bias);
  if (unit != nullptr && dwarf_haspc(unit, address - bias) == 1) return unit;
  for (unit = dwfl_module_nextcu(module, nullptr, &bias); unit != nullptr;
       unit = dwfl_module_nextcu(module, unit, &bias)) {
    if (dwarf_haspc(unit, address - bias) == 1) return unit;
  }
  return nullptr;
}

// Adds file and line, and the inlined calls at the address, when debug information covers it.
std::vector<stack_frame> with_source(Dwfl_Module* module, Dwarf_Addr address, stack_frame symbol) {
  Dwarf_Addr bias = 0;
  Dwarf_Die* unit = unit_covering(module, address, bias);
  if (unit == nullptr) return {std::move(symbol)};
  Dwarf_Line* line = dwarf_getsrc_die(unit, address - bias);
  const char* file = line != nullptr ? dwarf_linesrc(line, nullptr, nullptr) : nullptr;
  if (file == nullptr) return {std::move(symbol)};
  int line_number = 0;
  dwarf_lineno(line, &line_number);
  symbol.file = file;
  symbol.line = line_number > 0 ? static_cast<unsigned>(line_number) : 0;
  return with_inlined_calls(unit, address - bias, std::move(symbol));
}

// ---- the process' modules ----------------------------------------------------------------------

struct lookup_key {
  std::uintptr_t pc = 0;
  bool is_return_address = false;

  friend bool operator==(const lookup_key&, const lookup_key&) = default;
};

struct lookup_key_hash {
  std::size_t operator()(const lookup_key& key) const noexcept {
    return std::hash<std::uintptr_t>{}(key.pc) ^ static_cast<std::size_t>(key.is_return_address);
  }
};

// The dynamic loader's view of pc, for when libdwfl is unavailable or has no module there.
void describe_from_loader(std::uintptr_t pc, stack_frame& frame) {
  Dl_info info{};
  if (dladdr(reinterpret_cast<const void*>(pc), &info) == 0 || info.dli_fname == nullptr) return;
  frame.module = info.dli_fname;
  frame.module_offset = pc - reinterpret_cast<std::uintptr_t>(info.dli_fbase);
}

bool loader_knows(std::uintptr_t address) {
  Dl_info info{};
  return dladdr(reinterpret_cast<const void*>(address), &info) != 0;
}

struct loaded_object {
  std::string name;  // a path, or "[vdso: <pid>]", which dwfl_linux_proc_find_elf reads from memory
  Dwarf_Addr low = 0;
  Dwarf_Addr high = 0;
};

// The file the loader mapped: its name as the loader knows it, the executable's own path for the
// main program (which the loader leaves unnamed), and libdwfl's in-memory name for the vDSO.
std::string object_name(const dl_phdr_info& info, Dwarf_Addr low, Dwarf_Addr high) {
  const auto vdso = static_cast<Dwarf_Addr>(getauxval(AT_SYSINFO_EHDR));
  if (vdso != 0 && low <= vdso && vdso < high) return "[vdso: " + std::to_string(getpid()) + "]";
  if (info.dlpi_name == nullptr || info.dlpi_name[0] == '\0') {
    char path[PATH_MAX];
    const ssize_t length = readlink("/proc/self/exe", path, sizeof(path));
    return length > 0 ? std::string(path, static_cast<std::size_t>(length)) : std::string();
  }
  if (info.dlpi_name[0] == '/') return info.dlpi_name;
  // dlopen("./libx.so") leaves a relative name, which libdwfl cannot open.
  const std::unique_ptr<char, free_deleter> absolute(realpath(info.dlpi_name, nullptr));
  return absolute != nullptr ? std::string(absolute.get()) : std::string(info.dlpi_name);
}

int collect_object(dl_phdr_info* info, std::size_t, void* data) {
  Dwarf_Addr low = ~Dwarf_Addr{0};
  Dwarf_Addr high = 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& segment = info->dlpi_phdr[i];
    if (segment.p_type != PT_LOAD) continue;
    low = std::min<Dwarf_Addr>(low, info->dlpi_addr + segment.p_vaddr);
    high = std::max<Dwarf_Addr>(high, info->dlpi_addr + segment.p_vaddr + segment.p_memsz);
  }
  if (low >= high) return 0;
  // libdwfl derives the load bias from the module start, which must be where the first segment's
  // page was mapped, as /proc/self/maps would show it.
  low &= ~static_cast<Dwarf_Addr>(getpagesize() - 1);
  std::string name = object_name(*info, low, high);
  if (!name.empty()) static_cast<std::vector<loaded_object>*>(data)->push_back({std::move(name), low, high});
  return 0;
}

// One per process. The Dwfl and the cache are only touched with mutex_ held.
class process_symbols {
 public:
  process_symbols() : dwfl_(dwfl_begin(&callbacks)) {
    if (dwfl_ != nullptr) report_modules();
  }

  std::vector<stack_frame> frames(std::span<const std::uintptr_t> pcs, bool first_is_exact) {
    std::vector<stack_frame> out;
    out.reserve(pcs.size());
    const std::lock_guard lock(mutex_);
    for (std::size_t i = 0; i < pcs.size(); ++i) {
      const lookup_key key{pcs[i], i > 0 || !first_is_exact};
      auto [entry, inserted] = cache_.try_emplace(key);
      if (inserted) entry->second = lookup(key.pc, key.is_return_address);
      out.insert(out.end(), entry->second.begin(), entry->second.end());
    }
    return out;
  }

 private:
  // The Dwfl keeps a pointer to its callbacks for its whole life.
  static constexpr Dwfl_Callbacks callbacks = {
      .find_elf = dwfl_linux_proc_find_elf,
      .find_debuginfo = dwfl_standard_find_debuginfo,
      .section_address = nullptr,
      .debuginfo_path = nullptr,
  };

  // The modules are the objects the dynamic loader mapped, not the lines of /proc/self/maps: those
  // also list the files libdw itself maps to read symbols, which would turn into bogus modules.
  // Modules reported again with the same name and range keep their loaded symbols and DWARF.
  void report_modules() {
    std::vector<loaded_object> objects;
    // Collected first: dl_iterate_phdr holds the loader's lock while it calls back.
    dl_iterate_phdr(&collect_object, &objects);
    dwfl_report_begin(dwfl_);
    for (const loaded_object& object : objects) {
      dwfl_report_module(dwfl_, object.name.c_str(), object.low, object.high);
    }
    dwfl_report_end(dwfl_, nullptr, nullptr);
  }

  // dwfl_addrmodule also answers for addresses past the last module, so the range is checked here.
  Dwfl_Module* covering_module(Dwarf_Addr address) {
    Dwfl_Module* module = dwfl_addrmodule(dwfl_, address);
    Dwarf_Addr low = 0;
    Dwarf_Addr high = 0;
    if (module == nullptr ||
        dwfl_module_info(module, nullptr, &low, &high, nullptr, nullptr, nullptr, nullptr) == nullptr) {
      return nullptr;
    }
    return low <= address && address < high ? module : nullptr;
  }

  Dwfl_Module* module_at(Dwarf_Addr address) {
    Dwfl_Module* module = covering_module(address);
    // A library dlopen'ed after the last report is known to the loader but not yet to the Dwfl.
    // Garbage pcs are known to neither and do not cost a re-report.
    if (module == nullptr && loader_knows(address)) {
      report_modules();
      module = covering_module(address);
    }
    return module;
  }

  std::vector<stack_frame> lookup(std::uintptr_t pc, bool is_return_address) {
    stack_frame frame;
    frame.pc = pc;
    // A return address points past its call; when the call ends a function (a noreturn callee) that
    // is already the next function. The call instruction itself covers pc - 1.
    const Dwarf_Addr address = is_return_address ? pc - 1 : pc;
    Dwfl_Module* module = dwfl_ != nullptr ? module_at(address) : nullptr;
    if (module == nullptr) {
      describe_from_loader(pc, frame);
      return {std::move(frame)};
    }
    GElf_Off symbol_offset = 0;
    GElf_Sym symbol;
    frame.function = function_of_symbol(
        dwfl_module_addrinfo(module, address, &symbol_offset, &symbol, nullptr, nullptr, nullptr));
    // The main file is only known once the ELF was opened, which dwfl_module_addrinfo did.
    Dwarf_Addr start = 0;
    const char* main_file = nullptr;
    const char* name =
        dwfl_module_info(module, nullptr, &start, nullptr, nullptr, nullptr, &main_file, nullptr);
    frame.module = main_file != nullptr ? main_file : name != nullptr ? name : "";
    frame.module_offset = pc - start;
    return with_source(module, address, std::move(frame));
  }

  std::mutex mutex_;
  Dwfl* dwfl_;  // null when libdwfl could not start; frames then come from the loader alone
  std::unordered_map<lookup_key, std::vector<stack_frame>, lookup_key_hash> cache_;
};

process_symbols& symbols() {
  // Never destroyed: threads may still symbolize while static destructors run at exit.
  static auto* const instance = new process_symbols();
  return *instance;
}

}  // namespace

std::vector<stack_frame> frames(std::span<const std::uintptr_t> pcs, bool first_is_exact) {
  return symbols().frames(pcs, first_is_exact);
}

}  // namespace weft::symbolize
