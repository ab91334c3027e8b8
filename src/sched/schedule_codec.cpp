// The replay string, format version 3:
//
//   w3.<payload in base64url (RFC 4648 section 5: A-Z a-z 0-9 - _), without padding>
//
// The payload, in bytes:
//
//   checksum   4 bytes, little-endian: CRC-32 (the zlib/PNG polynomial 0xEDB88320) of every byte after it
//   storage    1 byte: 0 when the body follows as it is, 1 when it follows compressed (a zlib stream,
//              RFC 1950); encode compresses when that makes the string shorter
//   body:
//     count      varint: how many decisions there are
//     outcome    varint length (at most 32), then that many characters a-z or '_': how the recorded
//                run ended ("deadlock", "signal", ...), or nothing
//     candidates varint number of runs, then per run varint length (at least 1) and varint candidates
//                (at least 2; never the same as the run before): the decisions' candidate counts,
//                run-length encoded; the lengths add up to count
//     chosen     each decision's choice (0-based, < its candidates) in as many bits as its candidates
//                need (1 bit for 2, 2 for 3 or 4, ...), least significant bit first, packed
//                from the lowest bit of each byte; the last byte is padded with zero bits
//
// Only points with more than one runnable thread are decisions at all, so a run's forced steps cost
// nothing; a long run's candidate counts mostly repeat (one run of them), and a strategy that keeps
// choosing alike (pct, a spin loop) makes chosen bits that compress to almost nothing.
//
// Format version 2 had the same payload. The version changed with the scheduler, not the bytes: since
// version 3 a release (an unlock, a post, ...) is followed by a scheduling point, and a sleeper may be
// woken by its deadline while others can still run, so a run offers other choices at other points and
// an older string would not replay the run it was recorded from. Versions 1 and 2 are still parsed, so
// that a corrupt one is called corrupt, and then refused by name. Version 1 had no storage byte and no
// outcome: after the checksum, varint count, then count x (varint candidates, varint chosen).
//
// A varint is unsigned LEB128: 7 bits per byte, least significant group first, the high bit set on
// every byte but the last; at most 10 bytes.
//
// Every character is shell-safe, so the string needs no quotes. Encoders write only "w3." and
// canonical base64url (the bits after the last whole byte are zero); decoders refuse anything else.
// The checksum comes first so that a string cut short can be told apart from one altered in place:
// the decision count says how many decisions were meant to follow. A new format gets a new version
// number.
#include "sched/schedule_codec.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>

#include "report/quoted_text.hpp"

namespace weft::sched {
namespace {

constexpr std::uint32_t format_version = 3;
constexpr std::uint32_t oldest_version = 1;
// The oldest version recorded by the scheduler this weft has: older ones are refused once parsed.
constexpr std::uint32_t oldest_replayable_version = 3;
constexpr std::string_view prefix = schedule_prefix;
constexpr std::string_view base64url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t checksum_size = 4;
constexpr int max_varint_bytes = 10;
// A compressed body larger than this is refused rather than inflated: about 64 million two-way
// decisions, far beyond any run (max_steps), and a bound on what a malicious string can make weft
// allocate.
constexpr std::size_t max_body_size = 8u << 20;
constexpr std::uint8_t stored_as_is = 0;
constexpr std::uint8_t stored_compressed = 1;

constexpr std::array<std::uint32_t, 256> crc_table = [] {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < table.size(); ++i) {
    std::uint32_t c = i;
    for (int bit = 0; bit < 8; ++bit) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
  return table;
}();

std::uint32_t crc32_of(std::span<const std::uint8_t> bytes) {
  std::uint32_t c = 0xFFFFFFFFu;
  for (std::uint8_t byte : bytes) c = crc_table[(c ^ byte) & 0xFFu] ^ (c >> 8);
  return c ^ 0xFFFFFFFFu;
}

void put_varint(std::vector<std::uint8_t>& out, std::uint64_t value) {
  while (value >= 0x80) {
    out.push_back(static_cast<std::uint8_t>(value | 0x80));
    value >>= 7;
  }
  out.push_back(static_cast<std::uint8_t>(value));
}

std::string to_base64url(std::span<const std::uint8_t> bytes) {
  std::string text;
  text.reserve((bytes.size() * 4 + 2) / 3);
  std::uint32_t bits = 0;
  int held = 0;
  for (std::uint8_t byte : bytes) {
    bits = (bits << 8) | byte;
    held += 8;
    while (held >= 6) {
      held -= 6;
      text.push_back(base64url_alphabet[(bits >> held) & 0x3F]);
    }
  }
  if (held > 0) text.push_back(base64url_alphabet[(bits << (6 - held)) & 0x3F]);
  return text;
}

int sextet_of(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

// Untrusted text in a message: a short, escaped prefix.
std::string quoted(std::string_view text) {
  return report::quoted_prefix(text, 24);
}

decode_result failure(std::string message) {
  return {schedule{}, std::move(message)};
}

std::string_view trim_whitespace(std::string_view text) {
  constexpr std::string_view blanks = " \t\r\n";
  const std::size_t first = text.find_first_not_of(blanks);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(blanks) - first + 1);
}

// Checks "w<version>." and sets the version, or returns an error.
std::optional<std::string> check_prefix(std::string_view text, std::uint32_t& version) {
  const std::string not_ours =
      "weft: not a weft schedule: it must start with \"" + std::string(prefix) + "\"; got " + quoted(text);
  if (text.empty() || text[0] != 'w') return not_ours;
  std::size_t digits = 0;
  while (1 + digits < text.size() && text[1 + digits] >= '0' && text[1 + digits] <= '9') ++digits;
  if (digits == 0 || 1 + digits >= text.size() || text[1 + digits] != '.') return not_ours;
  const std::string_view version_text = text.substr(1, digits);
  // One spelling per schedule: "w01." is not "w1.".
  if (digits > 1 && version_text[0] == '0') {
    return "weft: schedule format version " + quoted(version_text) + " has a leading zero; write \"" +
           std::string(prefix) + "\"";
  }
  // Nine digits always fit in 32 bits; a longer number is certainly not a version this weft knows.
  if (digits > 9) {
    return "weft: schedule format version " + quoted(version_text) + " is newer than this weft (" +
           std::to_string(format_version) + ")";
  }
  version = 0;
  for (char c : version_text) version = version * 10 + static_cast<std::uint32_t>(c - '0');
  if (version > format_version) {
    return "weft: schedule format version " + std::to_string(version) + " is newer than this weft (" +
           std::to_string(format_version) + "); replay it with the weft that printed it";
  }
  if (version < oldest_version) {
    return "weft: schedule format version " + std::to_string(version) +
           " does not exist; this weft reads versions " + std::to_string(oldest_version) + " to " +
           std::to_string(format_version);
  }
  return std::nullopt;
}

struct payload {
  std::vector<std::uint8_t> bytes;
  bool ragged = false;  // a dangling character, or set bits after the last whole byte
};

std::optional<std::string> decode_base64url(std::string_view body, std::size_t offset, payload& out) {
  out.bytes.reserve(body.size() * 3 / 4);
  std::uint32_t bits = 0;
  int held = 0;
  for (std::size_t i = 0; i < body.size(); ++i) {
    const int sextet = sextet_of(body[i]);
    if (sextet < 0) {
      return "weft: schedule is corrupt: character " + quoted(body.substr(i, 1)) + " at position " +
             std::to_string(offset + i + 1) + " is not base64url (A-Z, a-z, 0-9, '-', '_')";
    }
    bits = (bits << 6) | static_cast<std::uint32_t>(sextet);
    held += 6;
    if (held >= 8) {
      held -= 8;
      out.bytes.push_back(static_cast<std::uint8_t>(bits >> held));
    }
  }
  out.ragged = held >= 6 || (bits & ((1u << held) - 1)) != 0;
  return std::nullopt;
}

class byte_reader {
 public:
  explicit byte_reader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  // nullopt when the bytes end inside the varint; `overlong` is set for one longer than 10 bytes
  // or one whose value does not fit in 64 bits.
  std::optional<std::uint64_t> varint(bool& overlong) {
    std::uint64_t value = 0;
    for (int i = 0; i < max_varint_bytes; ++i) {
      if (next_ == bytes_.size()) return std::nullopt;
      const std::uint8_t byte = bytes_[next_++];
      const std::uint64_t group = byte & 0x7Fu;
      if (i == max_varint_bytes - 1 && group > 1) break;
      value |= group << (7 * i);
      if ((byte & 0x80) == 0) return value;
    }
    overlong = true;
    return std::nullopt;
  }

  std::optional<std::uint64_t> byte() {
    if (next_ == bytes_.size()) return std::nullopt;
    return bytes_[next_++];
  }

  [[nodiscard]] std::size_t left() const { return bytes_.size() - next_; }
  [[nodiscard]] std::span<const std::uint8_t> rest() const { return bytes_.subspan(next_); }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t next_ = 0;
};

struct parsed_decisions {
  schedule decoded;
  std::string problem;     // empty when the structure is sound
  bool truncated = false;  // the bytes ended before the announced decisions did
};

// Version 1: count, then (candidates, chosen) pairs.
parsed_decisions parse_version_1(std::span<const std::uint8_t> bytes) {
  parsed_decisions out;
  byte_reader reader(bytes);
  bool overlong = false;
  const std::optional<std::uint64_t> count = reader.varint(overlong);
  if (!count) {
    out.truncated = !overlong;
    out.problem = overlong ? "weft: schedule is corrupt: its decision count is not a number"
                           : "weft: schedule is corrupt: truncated before its decision count";
    return out;
  }
  // Each decision takes at least two bytes, so the input bounds what is worth reserving.
  out.decoded.decisions.reserve(std::min<std::uint64_t>(*count, reader.left() / 2));
  for (std::uint64_t i = 0; i < *count; ++i) {
    const std::string where = "decision " + std::to_string(i + 1);
    const std::optional<std::uint64_t> candidates = reader.varint(overlong);
    const std::optional<std::uint64_t> chosen = candidates ? reader.varint(overlong) : std::nullopt;
    if (overlong) {
      out.problem = "weft: schedule is corrupt: " + where + " holds a number longer than 10 bytes";
      return out;
    }
    if (!chosen) {
      out.truncated = true;
      out.problem = "weft: schedule is corrupt: truncated after " + std::to_string(i) + " decisions of the " +
                    std::to_string(*count) + " it announces";
      return out;
    }
    if (*candidates > std::numeric_limits<std::uint32_t>::max()) {
      out.problem = "weft: schedule is corrupt: " + where + " has " + std::to_string(*candidates) +
                    " candidates, more than any run can have";
      return out;
    }
    if (*candidates < 2) {
      out.problem =
          "weft: schedule is corrupt: " + where + " has " + std::to_string(*candidates) + " candidates";
      return out;
    }
    if (*chosen >= *candidates) {
      out.problem = "weft: schedule is corrupt: " + where + " chooses " + std::to_string(*chosen) + " of " +
                    std::to_string(*candidates) + " candidates";
      return out;
    }
    out.decoded.decisions.push_back(decision{.chosen = static_cast<std::uint32_t>(*chosen),
                                             .candidates = static_cast<std::uint32_t>(*candidates)});
  }
  if (reader.left() != 0) {
    out.problem = "weft: schedule is corrupt: " + std::to_string(reader.left()) + " stray bytes follow its " +
                  std::to_string(*count) + " decisions";
  }
  return out;
}

// How many bits a choice among `candidates` takes.
int bits_for(std::uint32_t candidates) {
  return candidates <= 1 ? 0 : std::bit_width(candidates - 1);
}

bool is_outcome_character(char c) {
  return (c >= 'a' && c <= 'z') || c == '_';
}

bool is_writable_outcome(std::string_view outcome) {
  return outcome.size() <= max_outcome_length &&
         std::all_of(outcome.begin(), outcome.end(), is_outcome_character);
}

// Version 2's body, uncompressed.
std::vector<std::uint8_t> body_of(const schedule& decisions) {
  std::vector<std::uint8_t> body;
  put_varint(body, decisions.decisions.size());
  const std::string_view outcome =
      is_writable_outcome(decisions.outcome) ? std::string_view(decisions.outcome) : std::string_view();
  put_varint(body, outcome.size());
  body.insert(body.end(), outcome.begin(), outcome.end());

  std::vector<std::pair<std::uint64_t, std::uint32_t>> runs;  // (length, candidates)
  for (const decision& step : decisions.decisions) {
    if (!runs.empty() && runs.back().second == step.candidates) {
      ++runs.back().first;
    } else {
      runs.emplace_back(1, step.candidates);
    }
  }
  put_varint(body, runs.size());
  for (const auto& [length, candidates] : runs) {
    put_varint(body, length);
    put_varint(body, candidates);
  }

  std::uint64_t bits = 0;
  int held = 0;
  for (const decision& step : decisions.decisions) {
    const int width = bits_for(step.candidates);
    for (int bit = 0; bit < width; ++bit) {
      bits |= std::uint64_t{(step.chosen >> bit) & 1u} << held;
      if (++held == 8) {
        body.push_back(static_cast<std::uint8_t>(bits));
        bits = 0;
        held = 0;
      }
    }
  }
  if (held > 0) body.push_back(static_cast<std::uint8_t>(bits));
  return body;
}

std::vector<std::uint8_t> compressed(const std::vector<std::uint8_t>& body) {
  uLongf size = compressBound(static_cast<uLong>(body.size()));
  std::vector<std::uint8_t> out(size);
  if (compress2(out.data(), &size, body.data(), static_cast<uLong>(body.size()), Z_BEST_COMPRESSION) != Z_OK)
    return {};
  out.resize(size);
  return out;
}

struct inflated {
  std::vector<std::uint8_t> body;
  std::string problem;
  bool truncated = false;
};

inflated inflate_body(std::span<const std::uint8_t> stream) {
  inflated out;
  z_stream z{};
  if (inflateInit(&z) != Z_OK) {
    out.problem = "weft: cannot decompress the schedule: zlib could not start";
    return out;
  }
  z.next_in = const_cast<Bytef*>(stream.data());
  z.avail_in = static_cast<uInt>(stream.size());
  std::array<std::uint8_t, 16384> chunk;
  int status = Z_OK;
  while (status == Z_OK) {
    z.next_out = chunk.data();
    z.avail_out = chunk.size();
    status = inflate(&z, Z_NO_FLUSH);
    out.body.insert(out.body.end(), chunk.data(), chunk.data() + (chunk.size() - z.avail_out));
    if (out.body.size() > max_body_size) {
      out.problem = "weft: schedule is corrupt: it decompresses to more than " +
                    std::to_string(max_body_size >> 20) + " MiB";
      break;
    }
    if (status == Z_BUF_ERROR && z.avail_in == 0) {
      out.truncated = true;
      out.problem = "weft: schedule is corrupt: truncated inside its compressed decisions";
      break;
    }
  }
  if (out.problem.empty() && status != Z_STREAM_END) {
    out.problem = std::string("weft: schedule is corrupt: its compressed decisions do not decompress (") +
                  (z.msg != nullptr ? z.msg : "zlib error " + std::to_string(status)) + ")";
  } else if (out.problem.empty() && z.avail_in != 0) {
    out.problem = "weft: schedule is corrupt: " + std::to_string(z.avail_in) +
                  " stray bytes follow its compressed decisions";
  }
  inflateEnd(&z);
  return out;
}

parsed_decisions truncated_at(std::string what) {
  parsed_decisions out;
  out.truncated = true;
  out.problem = "weft: schedule is corrupt: truncated " + std::move(what);
  return out;
}

parsed_decisions corrupt(std::string what) {
  parsed_decisions out;
  out.problem = "weft: schedule is corrupt: " + std::move(what);
  return out;
}

// Version 2's body, once uncompressed.
parsed_decisions parse_version_2_body(std::span<const std::uint8_t> bytes) {
  byte_reader reader(bytes);
  bool overlong = false;
  const auto number = [&](const char* what, std::optional<parsed_decisions>& error) -> std::uint64_t {
    const std::optional<std::uint64_t> value = reader.varint(overlong);
    if (overlong) {
      error = corrupt(std::string(what) + " holds a number longer than 10 bytes");
    } else if (!value) {
      error = truncated_at(std::string("in ") + what);
    }
    return value.value_or(0);
  };
  std::optional<parsed_decisions> error;
  const std::uint64_t count = number("its decision count", error);
  if (error) return *error;
  const std::uint64_t outcome_length = number("its outcome", error);
  if (error) return *error;
  if (outcome_length > max_outcome_length) {
    return corrupt("its outcome is " + std::to_string(outcome_length) + " characters long, at most " +
                   std::to_string(max_outcome_length) + " are allowed");
  }
  parsed_decisions out;
  for (std::uint64_t i = 0; i < outcome_length; ++i) {
    const std::optional<std::uint64_t> c = reader.byte();
    if (!c) return truncated_at("in its outcome");
    if (!is_outcome_character(static_cast<char>(*c))) {
      return corrupt("its outcome holds a character other than a-z and '_'");
    }
    out.decoded.outcome.push_back(static_cast<char>(*c));
  }
  const std::uint64_t runs = number("its candidate counts", error);
  if (error) return *error;
  std::vector<std::pair<std::uint64_t, std::uint32_t>> candidate_runs;
  std::uint64_t covered = 0;
  std::uint64_t chosen_bits = 0;
  for (std::uint64_t i = 0; i < runs; ++i) {
    const std::uint64_t length = number("its candidate counts", error);
    if (error) return *error;
    const std::uint64_t candidates = number("its candidate counts", error);
    if (error) return *error;
    if (length == 0) return corrupt("a run of candidate counts is empty");
    // A point with one runnable thread is no decision; this also makes every decision cost a bit.
    if (candidates < 2) return corrupt("a decision has " + std::to_string(candidates) + " candidates");
    if (candidates > std::numeric_limits<std::uint32_t>::max()) {
      return corrupt("a decision has " + std::to_string(candidates) +
                     " candidates, more than any run can have");
    }
    if (!candidate_runs.empty() && candidate_runs.back().second == candidates)
      return corrupt("two runs of candidate counts should be one");
    if (length > count - covered) {
      return corrupt("its candidate counts cover more than the " + std::to_string(count) +
                     " decisions it announces");
    }
    covered += length;
    chosen_bits += length * static_cast<std::uint64_t>(bits_for(static_cast<std::uint32_t>(candidates)));
    candidate_runs.emplace_back(length, static_cast<std::uint32_t>(candidates));
  }
  if (covered != count) {
    return corrupt("its candidate counts cover " + std::to_string(covered) + " of the " +
                   std::to_string(count) + " decisions it announces");
  }
  const std::uint64_t chosen_bytes = (chosen_bits + 7) / 8;
  if (reader.left() < chosen_bytes) {
    out.truncated = true;
    out.problem = "weft: schedule is corrupt: truncated: its choices need " + std::to_string(chosen_bytes) +
                  " bytes, it holds " + std::to_string(reader.left());
    return out;
  }
  if (reader.left() > chosen_bytes) {
    return corrupt(std::to_string(reader.left() - chosen_bytes) + " stray bytes follow its " +
                   std::to_string(count) + " decisions");
  }
  const std::span<const std::uint8_t> packed = reader.rest();
  out.decoded.decisions.reserve(count);
  std::uint64_t bit = 0;
  for (const auto& [length, candidates] : candidate_runs) {
    const int width = bits_for(candidates);
    for (std::uint64_t i = 0; i < length; ++i) {
      std::uint32_t chosen = 0;
      for (int b = 0; b < width; ++b, ++bit) {
        chosen |= std::uint32_t{(packed[bit / 8] >> (bit % 8)) & 1u} << b;
      }
      if (chosen >= candidates) {
        return corrupt("decision " + std::to_string(out.decoded.decisions.size() + 1) + " chooses " +
                       std::to_string(chosen) + " of " + std::to_string(candidates) + " candidates");
      }
      out.decoded.decisions.push_back(decision{.chosen = chosen, .candidates = candidates});
    }
  }
  if (bit % 8 != 0 && (packed.back() >> (bit % 8)) != 0)
    return corrupt("the padding after its choices is not zero");
  return out;
}

parsed_decisions parse_version_2(std::span<const std::uint8_t> bytes) {
  if (bytes.empty()) return truncated_at("before its storage byte");
  if (bytes[0] == stored_as_is) return parse_version_2_body(bytes.subspan(1));
  if (bytes[0] != stored_compressed) {
    return corrupt("its storage byte is " + std::to_string(bytes[0]) + "; it must be 0 or 1");
  }
  inflated body = inflate_body(bytes.subspan(1));
  if (!body.problem.empty()) {
    parsed_decisions out;
    out.problem = std::move(body.problem);
    out.truncated = body.truncated;
    return out;
  }
  return parse_version_2_body(body.body);
}

}  // namespace

std::string encode(const schedule& decisions) {
  const std::vector<std::uint8_t> body = body_of(decisions);
  const std::vector<std::uint8_t> packed = body.size() > 64 ? compressed(body) : std::vector<std::uint8_t>{};
  const bool compress = !packed.empty() && packed.size() < body.size();
  std::vector<std::uint8_t> bytes(checksum_size, 0);
  bytes.reserve(checksum_size + 1 + (compress ? packed.size() : body.size()));
  bytes.push_back(compress ? stored_compressed : stored_as_is);
  const std::vector<std::uint8_t>& stored = compress ? packed : body;
  bytes.insert(bytes.end(), stored.begin(), stored.end());
  const std::uint32_t checksum = crc32_of(std::span(bytes).subspan(checksum_size));
  for (std::size_t i = 0; i < checksum_size; ++i) bytes[i] = static_cast<std::uint8_t>(checksum >> (8 * i));
  return std::string(prefix) + to_base64url(bytes);
}

decode_result decode(std::string_view text) {
  // A string pasted from a terminal often brings a newline or spaces along.
  text = trim_whitespace(text);
  if (text.empty()) {
    return failure(
        "weft: the schedule is empty; pass the string a failing run printed, such as \"w3.AbC...\"");
  }
  std::uint32_t version = 0;
  if (std::optional<std::string> error = check_prefix(text, version)) return failure(std::move(*error));
  const std::size_t body_offset = text.find('.') + 1;

  payload data;
  if (std::optional<std::string> error = decode_base64url(text.substr(body_offset), body_offset, data)) {
    return failure(std::move(*error));
  }
  const std::size_t smallest = checksum_size + (version == 1 ? 1 : 4);
  if (data.bytes.size() < smallest) {
    return failure("weft: schedule is corrupt: truncated: it holds " + std::to_string(data.bytes.size()) +
                   " bytes, and even an empty schedule has " + std::to_string(smallest));
  }
  std::uint32_t stored = 0;
  for (std::size_t i = 0; i < checksum_size; ++i) stored |= std::uint32_t{data.bytes[i]} << (8 * i);
  const std::span<const std::uint8_t> body = std::span(data.bytes).subspan(checksum_size);
  parsed_decisions parsed = version == 1 ? parse_version_1(body) : parse_version_2(body);

  if (crc32_of(body) != stored) {
    // Running out of bytes early is what a cut-short string looks like, but an altered decision count
    // looks the same, so the message offers both.
    if (parsed.truncated) {
      return failure(parsed.problem +
                     ", or altered (checksum mismatch); was it cut short or changed when copied?");
    }
    return failure(
        "weft: schedule is corrupt: checksum mismatch; was a character changed when it was copied?");
  }
  if (data.ragged) {
    return failure("weft: schedule is corrupt: it ends with a partial byte (" +
                   quoted(text.substr(text.size() - 1)) + "); was a character added or changed?");
  }
  if (!parsed.problem.empty()) return failure(std::move(parsed.problem));
  if (version < oldest_replayable_version) {
    return failure("weft: schedule format version " + std::to_string(version) +
                   " was recorded by an older weft, whose scheduler had fewer scheduling points (none after "
                   "an unlock, no early wake-up from a sleep); it would not replay the same run with this "
                   "weft. Explore again with this weft to get a \"" +
                   std::string(prefix) + "\" schedule");
  }
  return {std::move(parsed.decoded), {}};
}

}  // namespace weft::sched
