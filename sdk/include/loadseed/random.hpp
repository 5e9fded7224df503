// Counter-based randomness for generator plugins.
//
// A sample must depend only on (seed, stream, index), never on how many samples
// came before it: that is what makes a run reproducible with --seed and lets the
// shards of a run add up to the unsharded run. CounterRng therefore hashes its
// key with SplitMix64 (Steele, Lea and Flood, "Fast splittable pseudorandom number
// generators", OOPSLA 2014) instead of advancing one long-lived state.
#ifndef LOADSEED_RANDOM_HPP
#define LOADSEED_RANDOM_HPP

#include <cmath>
#include <cstdint>

namespace loadseed {

// A 128-bit product for bias-free range reduction; __extension__ keeps
// -Wpedantic quiet about the GCC/Clang builtin type.
__extension__ typedef unsigned __int128 uint128_t;

// Returns the SplitMix64 finaliser of x: a bijective 64-bit mix.
constexpr uint64_t mix64(uint64_t x) noexcept {
    x += 0x9e3779b97f4a7c15ULL;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

// A short random sequence for one record, keyed by (seed, stream, index).
// `stream` separates independent uses, e.g. one stream per event and purpose.
class CounterRng {
public:
    constexpr CounterRng(uint64_t seed, uint64_t stream, uint64_t index) noexcept
        : state_(mix64(mix64(seed ^ mix64(stream)) ^ index)) {}

    constexpr uint64_t next() noexcept {
        state_ += 0x9e3779b97f4a7c15ULL;
        uint64_t z = state_;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }

    // Returns a double in [0, 1) with 53 random bits.
    double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

    // Returns an integer in [0, bound) without modulo bias (Lemire's method).
    uint64_t below(uint64_t bound) noexcept {
        uint128_t product = static_cast<uint128_t>(next()) * bound;
        uint64_t low = static_cast<uint64_t>(product);
        if (low < bound) {
            uint64_t threshold = -bound % bound;
            while (low < threshold) {
                product = static_cast<uint128_t>(next()) * bound;
                low = static_cast<uint64_t>(product);
            }
        }
        return static_cast<uint64_t>(product >> 64);
    }

    // Returns an index into `weights` (count entries summing to about 1), drawn
    // with those weights; the last index absorbs rounding.
    uint32_t pick(const double* weights, uint32_t count) noexcept {
        double u = uniform();
        double cumulative = 0;
        for (uint32_t i = 0; i + 1 < count; ++i) {
            cumulative += weights[i];
            if (u < cumulative) return i;
        }
        return count ? count - 1 : 0;
    }

private:
    uint64_t state_;
};

// Returns the standard normal CDF at x.
inline double normal_cdf(double x) noexcept { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Returns the standard normal quantile of p in (0, 1): Acklam's rational
// approximation (relative error below 1.15e-9) refined by one Halley step
// against erfc, which brings it to near double precision.
inline double normal_quantile(double p) noexcept {
    static constexpr double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
                                   -2.759285104469687e+02, 1.383577518672690e+02,
                                   -3.066479806614716e+01, 2.506628277459239e+00};
    static constexpr double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
                                   -1.556989798598866e+02, 6.680131188771972e+01,
                                   -1.328068155288572e+01};
    static constexpr double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
                                   -2.400758277161838e+00, -2.549732539343734e+00,
                                   4.374664141464968e+00,  2.938163982698783e+00};
    static constexpr double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
                                   2.445134137142996e+00, 3.754408661907416e+00};
    constexpr double low = 0.02425;

    if (p <= 0) return -INFINITY;
    if (p >= 1) return INFINITY;

    double x;
    if (p < low) {
        double q = std::sqrt(-2 * std::log(p));
        x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    } else if (p <= 1 - low) {
        double q = p - 0.5;
        double r = q * q;
        x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
            (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
    } else {
        double q = std::sqrt(-2 * std::log(1 - p));
        x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
            ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
    }

    double e = normal_cdf(x) - p;
    double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
    return x - u / (1 + x * u / 2);
}

}  // namespace loadseed

#endif  // LOADSEED_RANDOM_HPP
