// The replay string, format version 1:
//
//   w1.<payload in base64url (RFC 4648 section 5: A-Z a-z 0-9 - _), without padding>
//
// The payload, in bytes:
//
//   checksum   4 bytes, little-endian: CRC-32 (the zlib/PNG polynomial 0xEDB88320) of every byte after it
//   count      varint: how many decisions follow
//   count x    varint candidates, then varint chosen (0-based, < candidates)
//
// A varint is unsigned LEB128: 7 bits per byte, least significant group first, the high bit set on
// every byte but the last; at most 10 bytes. A decision among fewer than 128 threads takes 2 bytes.
//
// Every character is shell-safe, so the string needs no quotes. Encoders write only "w1." and
// canonical base64url (the bits after the last whole byte are zero); decoders refuse anything else.
// The checksum comes first so that a string cut short can be told apart from one altered in place:
// the decision count says how many decisions were meant to follow. A new format gets a new version
// number, and this weft keeps reading version 1.
#include "sched/schedule_codec.hpp"

#include <array>
#include <cstddef>
#include <limits>
#include <optional>
#include <span>

namespace weft::sched {
namespace {

constexpr std::uint32_t format_version = 1;
constexpr std::string_view prefix = "w1.";
constexpr std::string_view base64url_alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t checksum_size = 4;
constexpr int max_varint_bytes = 10;

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

// Shows untrusted text in a message: at most 24 characters, anything unprintable as \xNN.
std::string quoted(std::string_view text) {
  constexpr std::size_t shown = 24;
  std::string out = "\"";
  for (char c : text.substr(0, shown)) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (byte >= 0x20 && byte < 0x7F) {
      out += c;
    } else {
      constexpr std::string_view hex = "0123456789abcdef";
      out += "\\x";
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  if (text.size() > shown) out += "...";
  return out + "\"";
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

// Checks "w<version>." and returns the text after it, or an error.
std::optional<std::string> check_prefix(std::string_view text) {
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
  std::uint32_t version = 0;
  for (char c : version_text) version = version * 10 + static_cast<std::uint32_t>(c - '0');
  if (version > format_version) {
    return "weft: schedule format version " + std::to_string(version) + " is newer than this weft (" +
           std::to_string(format_version) + "); replay it with the weft that printed it";
  }
  if (version != format_version) {
    return "weft: schedule format version " + std::to_string(version) +
           " does not exist; this weft reads version " + std::to_string(format_version);
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

  [[nodiscard]] std::size_t left() const { return bytes_.size() - next_; }

 private:
  std::span<const std::uint8_t> bytes_;
  std::size_t next_ = 0;
};

struct parsed_decisions {
  schedule decoded;
  std::string problem;     // empty when the structure is sound
  bool truncated = false;  // the bytes ended before the announced decisions did
};

parsed_decisions parse_decisions(std::span<const std::uint8_t> bytes) {
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

}  // namespace

std::string encode(const schedule& decisions) {
  std::vector<std::uint8_t> bytes(checksum_size, 0);
  bytes.reserve(checksum_size + 2 + decisions.decisions.size() * 2);
  put_varint(bytes, decisions.decisions.size());
  for (const decision& step : decisions.decisions) {
    put_varint(bytes, step.candidates);
    put_varint(bytes, step.chosen);
  }
  const std::uint32_t checksum = crc32_of(std::span(bytes).subspan(checksum_size));
  for (std::size_t i = 0; i < checksum_size; ++i) bytes[i] = static_cast<std::uint8_t>(checksum >> (8 * i));
  return std::string(prefix) + to_base64url(bytes);
}

decode_result decode(std::string_view text) {
  // A string pasted from a terminal often brings a newline or spaces along.
  text = trim_whitespace(text);
  if (text.empty()) {
    return failure(
        "weft: the schedule is empty; pass the string a failing run printed, such as \"w1.AbC...\"");
  }
  if (std::optional<std::string> error = check_prefix(text)) return failure(std::move(*error));
  const std::size_t body_offset = text.find('.') + 1;

  payload data;
  if (std::optional<std::string> error = decode_base64url(text.substr(body_offset), body_offset, data)) {
    return failure(std::move(*error));
  }
  if (data.bytes.size() < checksum_size + 1) {
    return failure("weft: schedule is corrupt: truncated: it holds " + std::to_string(data.bytes.size()) +
                   " bytes, and even an empty schedule has " + std::to_string(checksum_size + 1));
  }
  std::uint32_t stored = 0;
  for (std::size_t i = 0; i < checksum_size; ++i) stored |= std::uint32_t{data.bytes[i]} << (8 * i);
  const std::span<const std::uint8_t> body = std::span(data.bytes).subspan(checksum_size);
  parsed_decisions parsed = parse_decisions(body);

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
  return {std::move(parsed.decoded), {}};
}

}  // namespace weft::sched
