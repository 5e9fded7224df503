#include <loadseed/core/ids.hpp>

#include <loadseed/random.hpp>

namespace loadseed::core {

namespace {

constexpr char base36_digits[] = "0123456789abcdefghijklmnopqrstuvwxyz";

// Writes the low `width` base36 digits of value, most significant first.
void put_base36(uint64_t value, char* out, int width) {
    for (int i = width - 1; i >= 0; --i) {
        out[i] = base36_digits[value % 36];
        value /= 36;
    }
}

}  // namespace

void IdFactory::write(IdKind kind, uint64_t sequence, char* out) const {
    out[0] = 'c';
    put_base36(static_cast<uint64_t>(started_at_), out + 1, 8);
    put_base36(sequence, out + 9, 8);
    uint64_t random = mix64(mix64(seed_ ^ (static_cast<uint64_t>(kind) << 56)) ^ sequence);
    put_base36(random, out + 17, 8);
}

std::string IdFactory::make(IdKind kind, uint64_t sequence) const {
    std::string id(id_length, ' ');
    write(kind, sequence, id.data());
    return id;
}

bool is_cuid_shaped(const std::string& id) {
    if (id.size() != id_length || id[0] != 'c') return false;
    for (char c : id)
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))) return false;
    return true;
}

}  // namespace loadseed::core
