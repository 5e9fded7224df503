// Shared steps of tap generators: ordering of positions and the band and mode
// draws that most generators leave at their defaults.
#ifndef LOADSEED_TAPS_HPP
#define LOADSEED_TAPS_HPP

#include <loadseed/plugin.h>
#include <loadseed/random.hpp>
#include <loadseed/sdk.hpp>

#include <string>

namespace loadseed {

// Random streams of one event, kept apart so that changing one draw never
// shifts another.
enum class TapStream : uint64_t { position = 1, band = 2, mode = 3 };

inline CounterRng tap_rng(const ls_tap_request& request, TapStream stream, uint64_t index) {
    return CounterRng(request.seed, (uint64_t(request.event_index) << 8) | uint64_t(stream), index);
}

// How a generator turns tap indexes into probabilities.
//   ordered: stratified sampling, u_i = (i + r_i) / total with r_i uniform in
//            [0, 1). Positions rise with the index, so rows come out in time
//            order, which is what databases load fastest, while the set of
//            positions still follows the distribution.
//   random:  independent draws, u_i uniform in [0, 1), in no order.
enum class TapOrder { ordered, random };

inline TapOrder parse_tap_order(const std::string& value) {
    if (value == "time") return TapOrder::ordered;
    if (value == "random") return TapOrder::random;
    throw Error("option 'order' must be 'time' or 'random', not '" + value + "'",
                LS_INVALID_ARGUMENT);
}

// Returns the probability behind tap `index` under `order`, in (0, 1).
inline double tap_probability(const ls_tap_request& request, TapOrder order, uint64_t index) {
    CounterRng rng = tap_rng(request, TapStream::position, index);
    double r = rng.uniform();
    double u = order == TapOrder::ordered
                   ? (static_cast<double>(index) + r) / static_cast<double>(request.total)
                   : r;
    // Keep u off the exact ends so quantile functions stay finite.
    if (u <= 0) u = 0x1.0p-60;
    if (u >= 1) u = 1 - 0x1.0p-53;
    return u;
}

// Fills band_number and mode of every sample with uniform band choice and the
// scenario's mode weights.
inline void draw_bands_and_modes(const ls_tap_request& request, ls_tap_sample* samples) {
    for (uint64_t i = 0; i < request.count; ++i) {
        uint64_t index = request.first_index + i;
        CounterRng band_rng = tap_rng(request, TapStream::band, index);
        samples[i].band_number = 1 + band_rng.below(request.band_count);
        CounterRng mode_rng = tap_rng(request, TapStream::mode, index);
        samples[i].mode = static_cast<ls_mode>(mode_rng.pick(request.mode_weights, request.mode_count));
    }
}

// The option every bundled generator takes to choose a TapOrder.
inline constexpr ls_option_spec order_option = {
    "order", LS_OPTION_STRING, "time",
    "time: taps come out in time order (fast database loads); random: independent draws in no order",
    nullptr, 0};

}  // namespace loadseed

#endif  // LOADSEED_TAPS_HPP
