// How the census names a creation site and a thread's state: the words of its text, JSON and metrics.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "weft/snapshot.hpp"

namespace weft::census_sites {

// The sites of threads weft did not see created, and of a creation stack with no frame at all.
inline constexpr const char* before_weft_site = "(alive when weft was loaded)";
inline constexpr const char* unseen_site = "(created outside pthread_create)";
inline constexpr const char* unknown_site = "(creation stack unavailable)";

// The /proc state letter as a word fit for a metric label: "running", "sleeping", "disk_sleep",
// "stopped", "zombie", or "other".
[[nodiscard]] const char* kernel_state_word(char state);

// A creation record of the given origin from raw creation pcs: symbolized stack and creator.
[[nodiscard]] creation_record record_of(std::span<const std::uintptr_t> pcs, creation_record::origin how);

// The site's name: the creator's location, else the top frame's, else one of the names above.
[[nodiscard]] std::string site_name(const creation_record& created);

}  // namespace weft::census_sites
